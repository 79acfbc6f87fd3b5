# ruff: noqa: E501 - course and library text: sentences read better unbroken.
"""Entries of the practices library seeded by ``seed_demo``: real public references, cited by their
official titles and publishers, with summaries written for this platform."""

from __future__ import annotations

REVIEWER = "Prevention team, Office to Combat Trafficking in Persons (demonstration)"

PRACTICES = [
    {
        "title": "Protocol to Prevent, Suppress and Punish Trafficking in Persons, Especially Women and Children "
                 "(Palermo Protocol)",
        "kind": "law", "source": "United Nations General Assembly, resolution 55/25",
        "jurisdiction": "International (United Nations)", "year": 2000, "evidence_level": "binding",
        "topics": "definition, prevention, victim protection, international cooperation",
        "summary": "Supplements the UN Convention against Transnational Organized Crime. Article 3 gives the "
                   "international definition of trafficking in persons by three elements (act, means, purpose of "
                   "exploitation), makes consent irrelevant once a means is used, and requires no means for a child. "
                   "States parties must criminalize trafficking, consider measures for the physical, psychological "
                   "and social recovery of trafficked persons, and take measures to prevent trafficking. Adopted in "
                   "2000; in force since 2003. Canada ratified it in 2002.",
        "link": "https://www.ohchr.org/en/instruments-mechanisms/instruments/"
                "protocol-prevent-suppress-and-punish-trafficking-persons",
    },
    {
        "title": "Operational indicators of trafficking in human beings",
        "kind": "tool", "source": "International Labour Office and European Commission",
        "jurisdiction": "International (ILO / European Union)", "year": 2009, "evidence_level": "consensus",
        "topics": "identification, indicators, screening, forced labour",
        "summary": "Indicators agreed through a Delphi survey of experts from the countries of the European Union, "
                   "in four lists (adults and children, for labour and for sexual exploitation) and six dimensions "
                   "(deceptive, coercive and abusive recruitment, exploitative conditions, coercion and abuse of "
                   "vulnerability at destination), each indicator graded strong, medium or weak. Meant for "
                   "identification and data collection, not as a legal test. The platform's screening framework "
                   "follows it.",
        "link": "https://www.ilo.org/global/topics/forced-labour/publications/WCMS_105023/lang--en/index.htm",
    },
    {
        "title": "National Strategy to Combat Human Trafficking 2019–2024",
        "kind": "strategy", "source": "Public Safety Canada",
        "jurisdiction": "Canada", "year": 2019, "evidence_level": "descriptive",
        "topics": "national strategy, prevention, victim protection, prosecution, partnership, empowerment",
        "summary": "The Government of Canada's five-year strategy. It adds 'empowerment' of victims and survivors to "
                   "the internationally used pillars of prevention, protection, prosecution and partnership, and "
                   "funded, among other things, the Canadian Human Trafficking Hotline, public awareness, support for "
                   "survivor-serving organizations and work on forced labour in supply chains.",
        "link": "https://www.publicsafety.gc.ca/cnt/rsrcs/pblctns/2019-ntnl-strtgy-hmnn-trffc/index-en.aspx",
    },
    {
        "title": "Criminal Code, sections 279.01 to 279.04 (trafficking in persons)",
        "kind": "law", "source": "Parliament of Canada, Criminal Code (R.S.C. 1985, c. C-46)",
        "jurisdiction": "Canada", "year": 2005, "evidence_level": "binding",
        "topics": "criminal law, definition, exploitation, documents",
        "summary": "Trafficking offences were added to the Criminal Code in 2005 (section 279.011, on persons under 18, "
                   "in 2010). Section 279.01 makes trafficking in persons an offence; consent is no defence. Section "
                   "279.011 covers a person under 18, 279.02 material benefit, 279.03 "
                   "withholding or destroying documents, and 279.04 defines exploitation by the person's reasonable "
                   "fear for their safety or the safety of someone known to them.",
        "link": "https://laws-lois.justice.gc.ca/eng/acts/c-46/section-279.01.html",
    },
    {
        "title": "Modern Slavery Act 2015",
        "kind": "law", "source": "Parliament of the United Kingdom (2015 c. 30)",
        "jurisdiction": "United Kingdom (England and Wales)", "year": 2015, "evidence_level": "binding",
        "topics": "criminal law, supply chains, victim protection, independent commissioner",
        "summary": "Consolidates the offences of slavery, servitude, forced or compulsory labour and human trafficking; "
                   "creates slavery and trafficking prevention and risk orders; establishes the Independent "
                   "Anti-slavery Commissioner; gives a statutory defence to victims compelled to commit some offences; "
                   "and, in section 54, requires large commercial organizations to publish an annual slavery and "
                   "human trafficking statement about their supply chains.",
        "link": "https://www.legislation.gov.uk/ukpga/2015/30/contents",
    },
    {
        "title": "National Referral Mechanism (NRM): guidance on identifying and supporting victims",
        "kind": "program", "source": "UK Home Office",
        "jurisdiction": "United Kingdom", "year": 2009, "evidence_level": "descriptive",
        "topics": "identification, referral, victim support, multi-agency",
        "summary": "The UK framework, introduced in 2009, for identifying potential victims of modern slavery and "
                   "referring them to support. Designated first responders refer a person; a competent authority "
                   "makes a 'reasonable grounds' decision and later a 'conclusive grounds' decision, with support "
                   "and a recovery period in between. A model of one referral pathway shared by many agencies; "
                   "reviews have criticised delays in decisions.",
        "link": "https://www.gov.uk/government/publications/human-trafficking-victims-referral-and-assessment-forms",
    },
    {
        "title": "Victims of Trafficking and Violence Protection Act of 2000 (Trafficking Victims Protection Act)",
        "kind": "law", "source": "United States Congress, Public Law 106-386",
        "jurisdiction": "United States", "year": 2000, "evidence_level": "binding",
        "topics": "criminal law, victim protection, immigration relief, international reporting",
        "summary": "The first comprehensive US federal law on trafficking, built on prevention, protection and "
                   "prosecution. It defines severe forms of trafficking, created new federal offences, created the "
                   "T nonimmigrant status (the 'T visa') for victims, and requires the State Department's annual "
                   "Trafficking in Persons Report ranking countries' efforts. Reauthorized several times since.",
        "link": "https://www.congress.gov/bill/106th-congress/house-bill/3244",
    },
    {
        "title": "T nonimmigrant status (T visa) for victims of human trafficking",
        "kind": "program", "source": "U.S. Citizenship and Immigration Services",
        "jurisdiction": "United States", "year": 2000, "evidence_level": "descriptive",
        "topics": "immigration relief, victim protection",
        "summary": "Immigration status for people who are or were victims of a severe form of trafficking and are in "
                   "the United States because of it. Applicants generally must comply with reasonable requests from "
                   "law enforcement, with exceptions for minors and for trauma. Limited to 5,000 principal applicants "
                   "a year; it can lead to permanent residence. A point of comparison for Canada's temporary "
                   "resident permit for victims of trafficking, which requires no cooperation with police.",
        "link": "https://www.uscis.gov/humanitarian/victims-of-human-trafficking-and-other-crimes/"
                "victims-of-human-trafficking-t-nonimmigrant-status",
    },
    {
        "title": "Council of Europe Convention on Action against Trafficking in Human Beings (CETS No. 197)",
        "kind": "law", "source": "Council of Europe",
        "jurisdiction": "Europe (Council of Europe)", "year": 2005, "evidence_level": "binding",
        "topics": "victim protection, recovery and reflection period, monitoring, human rights",
        "summary": "Opened for signature in Warsaw in 2005; in force since 2008. Human-rights based: it requires a "
                   "recovery and reflection period of at least 30 days for identified victims (article 13), "
                   "assistance regardless of willingness to act as a witness, and independent monitoring of states "
                   "parties by the Group of Experts on Action against Trafficking in Human Beings (GRETA).",
        "link": "https://www.coe.int/en/web/anti-human-trafficking",
    },
    {
        "title": "Directive 2011/36/EU on preventing and combating trafficking in human beings and protecting its victims",
        "kind": "law", "source": "European Parliament and Council of the European Union",
        "jurisdiction": "European Union", "year": 2011, "evidence_level": "binding",
        "topics": "criminal law, victim protection, non-punishment, children",
        "summary": "Sets minimum rules for the definition of trafficking offences and penalties across the EU and for "
                   "assistance, support and protection of victims, with specific measures for children and a "
                   "non-punishment principle for offences victims were compelled to commit. Amended in 2024 by "
                   "Directive (EU) 2024/1712.",
        "link": "https://eur-lex.europa.eu/eli/dir/2011/36/oj",
    },
    {
        "title": "Out of the Shadows: A Tool for the Identification of Victims of Human Trafficking",
        "kind": "evaluation", "source": "Vera Institute of Justice",
        "jurisdiction": "United States", "year": 2014, "evidence_level": "evaluated",
        "topics": "identification, screening, validation study",
        "summary": "Describes the Trafficking Victim Identification Tool (TVIT), tested with service providers in "
                   "several US sites: a long version of 30 topics and a validated short version of 16 core "
                   "questions, covering migration, work and living and working conditions. One of the few screening "
                   "tools with published validation results.",
        "link": "https://www.vera.org/publications/out-of-the-shadows-identification-of-victims-of-human-trafficking",
    },
    {
        "title": "The Typology of Modern Slavery: Defining Sex and Labor Trafficking in the United States",
        "kind": "study", "source": "Polaris",
        "jurisdiction": "United States", "year": 2017, "evidence_level": "descriptive",
        "topics": "typology, sex trafficking, labour trafficking, data",
        "summary": "Classifies 25 types of trafficking found in calls to the US National Human Trafficking Hotline "
                   "(for example escort services, illicit massage businesses, domestic work, agriculture, "
                   "construction, restaurants and travelling sales crews), with how recruitment and control work in "
                   "each. Useful for designing sector-specific outreach.",
        "link": "https://polarisproject.org/the-typology-of-modern-slavery/",
    },
    {
        "title": "Modern Slavery Act 2018",
        "kind": "law", "source": "Parliament of Australia (Commonwealth)",
        "jurisdiction": "Australia", "year": 2018, "evidence_level": "binding",
        "topics": "supply chains, corporate reporting",
        "summary": "Requires entities with an annual consolidated revenue of at least AUD 100 million to publish an "
                   "annual modern slavery statement on the risks in their operations and supply chains and the "
                   "actions taken, in a public register kept by the government.",
        "link": "https://www.legislation.gov.au/Details/C2018A00153",
    },
    {
        "title": "Fighting Against Forced Labour and Child Labour in Supply Chains Act",
        "kind": "law", "source": "Parliament of Canada (S.C. 2023, c. 9)",
        "jurisdiction": "Canada", "year": 2023, "evidence_level": "binding",
        "topics": "supply chains, corporate reporting, forced labour",
        "summary": "In force since 1 January 2024. Requires certain entities and government institutions to report "
                   "each year to the Minister of Public Safety on the steps taken to prevent and reduce the risk that "
                   "forced labour or child labour is used in their supply chains; the reports are public.",
        "link": "https://laws-lois.justice.gc.ca/eng/acts/F-10.6/",
    },
]
