"""Text shown as markdown: escaping data, links to sources, figure ranges (pure, no Streamlit)."""

from __future__ import annotations

import pandas as pd


def source_link(sources: pd.DataFrame, source_id: str) -> str:
    """A markdown link to a source, with publisher and date; plain text if the URL is unsafe."""
    row = sources.loc[sources["source_id"] == source_id].iloc[0]
    date = row["published"].strftime("%d %b %Y") if not pd.isna(row["published"]) else "undated"
    label = escape_markdown(f"{row['publisher']}, {date}")
    url = str(row["url"])
    if not url.startswith(("http://", "https://")):
        return label
    return f"[{label}]({url.replace(')', '%29').replace(' ', '%20')})"


def escape_markdown(text: str) -> str:
    """Escape characters that Streamlit markdown would interpret."""
    out = str(text)
    for ch in "\\`*_{}[]()#+-.!|<>$~":
        out = out.replace(ch, "\\" + ch)
    return out


def span(low: float, high: float) -> str:
    """'27' when two figures agree, '27–31' when they differ."""
    low, high = int(low), int(high)
    return f"{low:,}" if low == high else f"{low:,}–{high:,}"


def code_span(text: str, limit: int) -> str:
    """``text`` as inline code, cut to ``limit`` characters: nothing in it is rendered as a
    link, an image or formatting, and a long value is never echoed whole."""
    flat = " ".join(str(text).split()).replace("`", "'")
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    return f"`{flat}`"


def link(label: str, url: object) -> str:
    """A markdown link built by our code: the label escaped, the address only if http(s)."""
    text = escape_markdown(label)
    address = str(url)
    if not address.startswith(("http://", "https://")) or any(c.isspace() for c in address):
        return text
    return f"[{text}]({address.replace('(', '%28').replace(')', '%29')})"


CLASS_WORDS = {
    "official": "official",
    "wire": "wire agency",
    "press": "press",
    "monitor": "monitor",
    "think_tank": "think tank",
    "state_media": "state media",
    "partisan": "partisan outlet",
    "claimant": "armed group",
    "reference": "reference work",
}


def report_lines(reports: pd.DataFrame, limit: int = 6) -> str:
    """Markdown: each report's figure, date, kind and basis, and a link to its source with the
    source's class, newest first ('about 2,500, 18 Jan 2026, reported estimate — Shafaq
    News (press)')."""
    lines = []
    for row in reports.head(limit).itertuples():
        source = link(str(row.publisher), row.url)
        lines.append(
            f"- {escape_markdown(str(row.figure))}, {row.as_of:%d %b %Y}, {row.kind} {row.basis} "
            f"— {source} ({CLASS_WORDS.get(str(row.source_class), str(row.source_class))})"
        )
    if len(reports) > limit:
        lines.append(f"- … and {len(reports) - limit} more (download the table below)")
    return "\n".join(lines)
