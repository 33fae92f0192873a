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
