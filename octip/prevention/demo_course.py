# ruff: noqa: E501 - course and library text: sentences read better unbroken.
"""The demo course, written for this platform in the spirit of B.C.'s "Human Trafficking: Canada is Not
Immune": four modules, each a lesson and a quiz. Facts from shared/reference/bc_context.md and the
ILO–EC indicators. Lesson bodies are the sanitized HTML the lesson editor accepts.

Each question: (text, kind, [(answer, correct)], feedback).
"""

from __future__ import annotations

SLUG = "canada-is-not-immune"
TITLE = "Human trafficking: recognize it, respond to it"
SUMMARY = ("Four short modules for anyone who may meet a trafficked person at work or in the community: what "
           "trafficking is, Canada's law and the temporary resident permit, the indicators, and how to help and "
           "refer safely.")

MODULES = [
    ("1. What human trafficking is", "Act, means and purpose", """
<p>Human trafficking is the exploitation of a person through control. It is not the same as smuggling, and it
does not need a border: much of the trafficking police find in Canada happens within the country. Of the
victims in police-reported incidents from 2010 to 2020, 96% were women and girls and a quarter were under 18
(Statistics Canada).</p>
<h2>Three elements</h2>
<p>The international definition, in Article 3 of the UN Palermo Protocol (2000), has three elements:</p>
<ul>
<li><strong>The act</strong>: recruiting, transporting, transferring, harbouring or receiving a person.</li>
<li><strong>The means</strong>: the threat or use of force or other coercion, abduction, fraud, deception, the
abuse of power or of a position of vulnerability, or payments to someone who controls the person.</li>
<li><strong>The purpose</strong>: exploitation, such as sexual exploitation, forced labour or services,
slavery or practices similar to it, servitude, or the removal of organs.</li>
</ul>
<p>Once one of the means is used, the person's "consent" does not matter. For a child (under 18) no means is
needed at all: the act and the purpose are enough.</p>
<h2>What it can look like</h2>
<p>A "boyfriend" who gives gifts and then says a debt must be repaid by selling sex. An employer who keeps
workers' passports and deducts "housing debt" from their pay. A recruiter who promises a nanny job and then
demands a fee the person can never repay. Control is the common thread.</p>
""", (90, 3), [
        ("Which three elements make up trafficking in the Palermo Protocol?", "single",
         [("Act, means and purpose", True), ("Border, money and force", False), ("Arrest, charge and trial", False)],
         "Article 3 of the Protocol names the act, the means and the purpose of exploitation."),
        ("For a child under 18, which element is NOT required?", "single",
         [("The means", True), ("The act", False), ("The purpose of exploitation", False)],
         "For a child, the act and the purpose are enough: no means (force, deception…) needs to be shown."),
        ("Which of these are means named in the Protocol? Choose every right answer.", "multiple",
         [("Deception", True), ("Abuse of a position of vulnerability", True), ("Crossing a border", False),
          ("Threat of force", True)],
         "Crossing a border is not a means, and is not needed at all."),
    ]),
    ("2. Canada's law and the temporary resident permit", "The Criminal Code, IRPA and the TRP", """
<p>Canada's <strong>Criminal Code</strong> makes trafficking in persons an offence in section 279.01: recruiting,
transporting, transferring, receiving, holding, concealing or harbouring a person, or exercising control,
direction or influence over their movements, to exploit them or to help someone else exploit them.</p>
<ul>
<li>The person's consent is no defence, and no border needs to be crossed.</li>
<li>Section 279.011 covers a person under 18, with higher minimum sentences.</li>
<li>Section 279.02 covers receiving a financial or other material benefit from trafficking; section 279.03
covers withholding or destroying a person's identity, travel or immigration documents to traffic them.</li>
<li>Section 279.04 explains exploitation: making a person provide labour or a service by conduct that could
reasonably make them believe their safety, or the safety of someone they know, would be threatened if they
refused.</li>
</ul>
<p>The <strong>Immigration and Refugee Protection Act</strong> (section 118) separately prohibits organizing a
person's coming into Canada by abduction, fraud, deception or force.</p>
<h2>The temporary resident permit (TRP)</h2>
<p>A foreign national who may have been trafficked can receive a TRP for victims of trafficking from
Immigration, Refugees and Citizenship Canada. There is no fee for the permit, for a work or study permit, or
for biometrics, and health care, including trauma counselling, comes through the Interim Federal Health
Program. The person does <strong>not</strong> have to testify against the trafficker to get it. The length of
the permit has changed over time; check the current rules with the office.</p>
""", (80, 3), [
        ("Under s. 279.01 of the Criminal Code, does the person's consent excuse the trafficker?", "single",
         [("No, consent is no defence", True), ("Yes, if the person is an adult", False),
          ("Only if no money changed hands", False)],
         "The Criminal Code is explicit: consent is no defence to trafficking in persons."),
        ("Must a person testify against the trafficker to receive a TRP for victims of trafficking?", "single",
         [("No", True), ("Yes, always", False), ("Only after a conviction", False)],
         "Testifying is not a condition of the permit."),
        ("Which are true of the TRP for victims of trafficking? Choose every right answer.", "multiple",
         [("No fee for the permit", True), ("Health care through the Interim Federal Health Program", True),
          ("Only for people who crossed the border illegally", False)],
         "The permit carries no fee, and health care (trauma counselling included) comes through the IFHP."),
    ]),
    ("3. Recognizing a trafficked person", "The indicators", """
<p>No single sign proves trafficking, and a person who is being trafficked may not see themselves as a
"victim". Indicators help you notice when a situation calls for a closer, careful conversation and a
referral. The ILO and the European Commission published operational indicators in 2009, grouped in six
dimensions:</p>
<ol>
<li>deceptive recruitment (lied to about the job, the pay, the conditions or the papers);</li>
<li>coercive recruitment (violence, threats, abduction, confiscated documents);</li>
<li>recruitment by abuse of vulnerability (debts, lack of information, economic hardship);</li>
<li>exploitative conditions of work (excessive hours, no pay or very low pay, bad living conditions);</li>
<li>coercion at destination (debt bondage, isolation, confiscated documents, threats to the family);</li>
<li>abuse of vulnerability at destination (dependency on the employer, difficult immigration status).</li>
</ol>
<h2>What you might notice</h2>
<ul>
<li>Someone else keeps the person's identity documents or does the talking for them.</li>
<li>The person owes a debt that keeps growing, or cannot leave their work or housing.</li>
<li>They seem afraid, are never alone, or do not know their address.</li>
<li>A young person has an older "boyfriend", new expensive things, or stays away from home.</li>
</ul>
<p>Indicators are a tool for identification, not a legal finding. A positive screening calls for a referral
to people trained to help, never for a conclusion on your own.</p>
""", (80, 3), [
        ("A co-worker's employer holds his passport \"for safekeeping\" and he owes a growing debt for housing. "
         "What is the best reading?", "single",
         [("These are indicators of coercion: a careful conversation and a referral are called for", True),
          ("It proves he is trafficked: call the employer", False),
          ("It is normal practice and needs no attention", False)],
         "Confiscated documents and debt bondage are strong indicators, but indicators call for referral, not a finding."),
        ("How many dimensions do the ILO–EC operational indicators group indicators into?", "single",
         [("Six", True), ("Three", False), ("Ten", False)],
         "Deceptive, coercive and abusive recruitment; exploitative conditions; coercion and abuse of vulnerability at destination."),
        ("Which are indicators you might notice? Choose every right answer.", "multiple",
         [("Someone else answers for the person", True), ("The person does not know their address", True),
          ("The person speaks a language other than English", False)],
         "Speaking another language is not an indicator; being controlled and isolated are."),
    ]),
    ("4. Helping and referring", "Safety first, with the person's consent", """
<p>If someone is in immediate danger, <strong>call 911</strong>. Otherwise your role is to listen, keep the
person safe, and connect them with help only if they agree.</p>
<h2>How to respond</h2>
<ul>
<li>Speak to the person alone, somewhere safe, with a professional interpreter if needed (never the person
who brought them).</li>
<li>Believe them, do not push for details, and do not promise what you cannot deliver.</li>
<li>Explain that help is free and confidential and does not depend on immigration status or on talking to
police.</li>
<li>Do not confront a suspected trafficker: it can put the person in danger.</li>
</ul>
<h2>Where to refer</h2>
<ul>
<li>The B.C. Office to Combat Trafficking in Persons 24/7 line: <a href="tel:18887127974">1-888-712-7974</a>
(toll-free, interpretation available).</li>
<li>VictimLinkBC: <a href="tel:18005630808">1-800-563-0808</a> (24/7, more than 100 languages).</li>
<li>The Canadian Human Trafficking Hotline: <a href="tel:18339001010">1-833-900-1010</a>.</li>
</ul>
<h2>Children and youth</h2>
<p>In British Columbia, anyone who has reason to believe that a child (under 19) needs protection must
promptly report it to a child welfare worker (Child, Family and Community Service Act, section 14): call
<a href="tel:18006639122">1-800-663-9122</a>, at any hour. This duty overrides confidentiality.</p>
""", (80, 3), [
        ("A young person of 17 tells you an older man makes her meet his friends for money. What must you do in B.C.?",
         "single",
         [("Report to child protection promptly: the duty to report applies under 19", True),
          ("Keep it confidential unless she agrees", False),
          ("Confront the man to make him stop", False)],
         "Under s. 14 of the Child, Family and Community Service Act the duty to report applies to anyone under 19 and overrides confidentiality."),
        ("Who should interpret when you speak with a person who may be trafficked?", "single",
         [("A professional interpreter", True), ("The person who brought them", False), ("Their employer", False)],
         "The person who brought them may be the one who controls them."),
        ("Which of these are good practice? Choose every right answer.", "multiple",
         [("Speak with the person alone and somewhere safe", True),
          ("Explain that help does not depend on talking to police", True),
          ("Promise that everything will be fine", False)],
         "Do not promise what you cannot deliver; safety and honest information come first."),
    ]),
]
