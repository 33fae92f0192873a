"""Plain words for the terms and acronyms the dashboard uses: one glossary, shown on the
Sources & method page and in the help tooltip of the title of every page that uses a term."""

from __future__ import annotations

# term: (expansion, definition). Keys are the forms the pages use.
GLOSSARY: dict[str, tuple[str, str]] = {
    "OIR": (
        "Operation Inherent Resolve",
        (
            "The US military operation (and the coalition military campaign) against the Islamic "
            "State in Iraq and Syria, named in October 2014 and applied retroactively to "
            "operations from 8 August 2014."
        ),
    ),
    "CJTF-OIR": (
        "Combined Joint Task Force – Operation Inherent Resolve",
        (
            "The US-led multinational military headquarters that commands the coalition's "
            "military campaign against the Islamic State in Iraq and Syria."
        ),
    ),
    "NMI": (
        "NATO Mission Iraq",
        (
            "A NATO non-combat advisory and training mission, launched in 2018, that helps Iraqi "
            "defence and security institutions and is separate from the US-led coalition."
        ),
    ),
    "FML": (
        "force management level",
        (
            "An authorised ceiling on the number of US troops that may be assigned to a country "
            "or operation, which can differ from the number actually present because temporary "
            "and rotating personnel may not count against it."
        ),
    ),
    "DMDC": (
        "Defense Manpower Data Center",
        (
            "The US Department of Defense agency that keeps personnel records and publishes "
            "periodic counts of service members and civilians by location, though counts for some"
            " war zones, including Iraq and Syria, have at times been left out."
        ),
    ),
    "TBI": (
        "traumatic brain injury",
        (
            "Damage to brain function caused by an outside force such as a blast wave or a blow "
            "to the head; most of the US injuries reported in the 2023–2024 drone and rocket "
            "attacks were of this kind."
        ),
    ),
    "MSS": (
        "mission support site",
        (
            "A US military term for a small forward base or outpost that supports operations in "
            "an area, used for several US sites in Syria (for example MSS Green Village and MSS "
            "Euphrates)."
        ),
    ),
    "LZ": (
        "landing zone",
        (
            "A designated area where helicopters or transport aircraft land and take off, "
            "sometimes used as the name of a base (for example the Kobani Landing Zone in Syria)."
        ),
    ),
    "PMF": (
        "Popular Mobilization Forces (al-Hashd al-Shaabi)",
        (
            "An Iraqi state-funded umbrella of mostly Shia armed groups formed in 2014 to fight "
            "the Islamic State and later made a formal part of Iraq's security forces, some of "
            "whose factions are close to Iran."
        ),
    ),
    "IRI": (
        "Islamic Resistance in Iraq",
        (
            "An umbrella name used, mainly since October 2023, by Iran-aligned Iraqi militias, "
            "including Kataib Hezbollah, to claim drone and rocket attacks on US forces and other"
            " targets."
        ),
    ),
    "SDF": (
        "Syrian Democratic Forces",
        (
            "A Kurdish-led alliance of Kurdish, Arab and other fighters in north-eastern Syria, "
            "formed in 2015, that was the US-led coalition's main ground partner against the "
            "Islamic State in Syria."
        ),
    ),
    "KRG": (
        "Kurdistan Regional Government; the Kurdistan Region of Iraq",
        (
            "The autonomous region of northern Iraq (Erbil, Sulaymaniyah, Duhok and Halabja "
            "provinces) and its government, which has its own parliament and Peshmerga forces "
            "within the Iraqi federal state."
        ),
    ),
    "federal Iraq": (
        "",
        (
            "The parts of Iraq governed directly from Baghdad, that is, Iraq outside the "
            "Kurdistan Region; the 2024 US–Iraq timeline ended the coalition mission there first."
        ),
    ),
    "Global Coalition to Defeat ISIS": (
        "Global Coalition to Defeat ISIS (Global Coalition against Daesh)",
        (
            "The US-led group of countries and organisations formed in 2014 to defeat the Islamic"
            " State by military, financial, stabilisation and counter-propaganda means, most of "
            "whose members do not send troops."
        ),
    ),
    "Inherent Resolve": (
        "Operation Inherent Resolve",
        (
            "The name of the US-led military operation against the Islamic State in Iraq and "
            "Syria (see OIR)."
        ),
    ),
    "CENTCOM": (
        "United States Central Command",
        (
            "The US military's combatant command for the Middle East, Central Asia and parts of "
            "South Asia, which oversees US forces in Iraq and Syria."
        ),
    ),
    "ISIS": (
        "Islamic State of Iraq and Syria (al-Sham); Daesh is the Arabic acronym",
        (
            "A jihadist armed group that seized large parts of Iraq and Syria in 2014 and "
            "declared a 'caliphate', lost its last territory in 2019, and continues as an "
            "insurgency."
        ),
    ),
    "Kataib Hezbollah": (
        "Kata'ib Hezbollah (Hezbollah Brigades)",
        (
            "An Iran-backed Iraqi Shia militia, with units inside the Popular Mobilization "
            "Forces, that the US designates as a terrorist organisation and blames for many "
            "attacks on US forces."
        ),
    ),
    "SOHR": (
        "Syrian Observatory for Human Rights",
        (
            "A UK-based monitoring group that reports casualties and military events in Syria "
            "from a network of sources inside the country."
        ),
    ),
    "ACLED": (
        "Armed Conflict Location & Event Data",
        (
            "A project that collects dated, geolocated records of political violence and protest "
            "events worldwide, mainly from media and local-partner reports."
        ),
    ),
    "UCDP": (
        "Uppsala Conflict Data Program",
        (
            "A research programme at Uppsala University that records organised violence "
            "worldwide; its event-level data is the GED."
        ),
    ),
    "GED": (
        "Georeferenced Event Dataset (of UCDP)",
        (
            "A dataset from Uppsala University that records individual events of organised "
            "violence causing at least one death, each with a date, location and fatality "
            "estimate."
        ),
    ),
    "Peshmerga": (
        "",
        (
            "The armed forces of the Kurdistan Region of Iraq, partly under the regional Ministry"
            " of Peshmerga Affairs and partly still tied to the two main Kurdish parties (KDP and"
            " PUK), which the coalition has trained and equipped."
        ),
    ),
    "US": (
        "United States",
        "The United States of America; 'US troops' are US military personnel.",
    ),
    "UK": (
        "United Kingdom",
        "The United Kingdom of Great Britain and Northern Ireland.",
    ),
    "NATO": (
        "North Atlantic Treaty Organization",
        (
            "The transatlantic military alliance; its own training mission in Iraq is NMI, "
            "separate from the US-led coalition."
        ),
    ),
    "KDP": (
        "Kurdistan Democratic Party",
        ("One of the two main parties of the Kurdistan Region of Iraq, based in Erbil and Duhok."),
    ),
    "PUK": (
        "Patriotic Union of Kurdistan",
        "One of the two main parties of the Kurdistan Region of Iraq, based in Sulaymaniyah.",
    ),
    "IED": (
        "improvised explosive device",
        (
            "A home-made bomb, often placed by a roadside; in the incidents table the weapon "
            "'roadside bomb (IED)'."
        ),
    ),
    "AP": (
        "Associated Press",
        "A US news agency (wire service); its reports are often republished by other outlets.",
    ),
    "AFP": (
        "Agence France-Presse",
        (
            "A French news agency (wire service); its reports are often republished by other "
            "outlets."
        ),
    ),
    "CSV": (
        "comma-separated values",
        "A plain-text table format that spreadsheets open; every download here is a CSV file.",
    ),
    "URL": (
        "uniform resource locator",
        "A web address; each source row gives the URL of the page it was read on.",
    ),
    "JSON": (
        "JavaScript Object Notation",
        "A plain-text data format; datapackage.json describes every table and column in it.",
    ),
    "ISO": (
        "International Organization for Standardization",
        (
            "Here: ISO 8601 dates (YYYY-MM-DD) and ISO 3166 three-letter country codes (the "
            "iso3 column)."
        ),
    ),
    "WGS84": (
        "World Geodetic System 1984",
        (
            "The standard latitude and longitude reference of satellite navigation; every "
            "coordinate in the data uses it."
        ),
    ),
    "APA": (
        "American Psychological Association (citation style)",
        ("A common author-date citation style; the Cite this view box gives an APA-like citation."),
    ),
}


def entry(term: str) -> str:
    """'**OIR** (Operation Inherent Resolve): The US military operation …' for a tooltip."""
    expansion, definition = GLOSSARY[term]
    named = f"**{term}** ({expansion})" if expansion and expansion != term else f"**{term}**"
    return f"{named}: {definition}"


def explain(*terms: str) -> str:
    """Help text defining ``terms`` (each must be in the glossary), one paragraph each."""
    missing = [t for t in terms if t not in GLOSSARY]
    if missing:
        raise KeyError(
            f"not in the glossary: {', '.join(missing)}; add them to GLOSSARY in "
            "posture/analysis/glossary.py"
        )
    return "\n\n".join(entry(t) for t in terms)
