"""Demo scripts of the line: the four topics of ``data/script_topics.yaml`` in English and French, as
the coordinating office's province-wide defaults, written and published by the demo coordinator
through the services (so versions, constraints and audit are the real ones). Facts from the office's
reference (911, VictimLinkBC, the Canadian Human Trafficking Hotline, the MCFD child protection line,
the Child, Family and Community Service Act). Idempotent: a second run adds nothing."""

# ruff: noqa: E501  (the scripts are paragraphs of plain text: one paragraph a line)
from __future__ import annotations

from octip.partners.models import User

from . import guidance
from .models import GuidanceScript

#: topic → language → (title, body). Plain text; a blank line between paragraphs.
SCRIPTS: dict[str, dict[str, tuple[str, str]]] = {
    "emergency_911": {
        "en": ("If someone is in danger now: 911", """\
If the person, or anyone with them, is in immediate danger, call 911 now — or ask the caller to call 911 if they can do it safely. Then come back to the contact.

Ask: Are you safe to talk right now? Is anyone hurt or in danger at this moment? Where are you? (An address, a landmark, or what you can see.)

Tell 911 what you know: where the person is, what the danger is, and whether an interpreter is needed. Stay on the line with the caller if you can.

If the caller cannot speak freely, ask questions they can answer with yes or no.

Record on the contact that 911 was called, when, and by whom, and set the urgency to Emergency: the person on call is alerted."""),
        "fr": ("Si quelqu'un est en danger maintenant : le 911", """\
Si la personne, ou quelqu'un avec elle, est en danger immédiat, appelez le 911 maintenant — ou demandez à l'appelant d'appeler le 911 s'il peut le faire en sécurité. Revenez ensuite au contact.

Demandez : Pouvez-vous parler en sécurité maintenant? Quelqu'un est-il blessé ou en danger en ce moment? Où êtes-vous? (Une adresse, un point de repère, ou ce que vous voyez.)

Dites au 911 ce que vous savez : où se trouve la personne, quel est le danger, et si un interprète est nécessaire. Restez en ligne avec l'appelant si vous le pouvez.

Si l'appelant ne peut pas parler librement, posez des questions auxquelles il peut répondre par oui ou par non.

Indiquez dans le contact que le 911 a été appelé, quand et par qui, et choisissez l'urgence « Urgence » : la personne de garde est alertée."""),
    },
    "safety_check": {
        "en": ("Safety check: can the person talk safely?", """\
Before going further, check that the person can talk safely.

Ask: Is this a safe time to talk? Is anyone with you, or able to hear you? Is this phone or device safe to use, or could someone else check it? If we are cut off, is it safe for us to call or text you back, and at which number? Is there a word you can say if you need to end the call suddenly?

If it is not safe: agree on a safer time or way to get back in touch, or give the lines the person can call at any time: VictimLinkBC, 1-800-563-0808 (24/7, confidential, more than 100 languages), and the Canadian Human Trafficking Hotline, 1-833-900-1010 (24/7, more than 200 languages). In immediate danger: 911.

Never leave a message or send a text the person has not agreed to."""),
        "fr": ("Vérification de sécurité : la personne peut-elle parler en sécurité?", """\
Avant d'aller plus loin, vérifiez que la personne peut parler en sécurité.

Demandez : Est-ce un bon moment pour parler en sécurité? Quelqu'un est-il avec vous, ou peut-il vous entendre? Ce téléphone ou cet appareil est-il sûr, ou quelqu'un d'autre pourrait-il le consulter? Si la communication est coupée, pouvons-nous vous rappeler ou vous écrire sans danger, et à quel numéro? Y a-t-il un mot que vous pouvez dire si vous devez raccrocher soudainement?

Si ce n'est pas sûr : convenez d'un moment ou d'un moyen plus sûr de reprendre contact, ou donnez les lignes que la personne peut appeler en tout temps : VictimLinkBC, 1-800-563-0808 (24 h sur 24, confidentielle, plus de 100 langues), et la Ligne d'urgence canadienne contre la traite des personnes, 1-833-900-1010 (24 h sur 24, plus de 200 langues). En cas de danger immédiat : le 911.

Ne laissez jamais de message et n'envoyez pas de texto sans l'accord de la personne."""),
    },
    "consent": {
        "en": ("Consent: what the person should know before they share", """\
Explain, in plain words, before you record anything about the person:

"You decide what you share with us. You can skip any question, and you can stop at any time. You do not have to talk to the police to get help."

"What you tell us stays confidential. We share it only with your agreement, except in two cases: if someone is in immediate danger, we may call 911; and if we believe a child or youth under 19 may need protection, the law requires us to report it to child protection."

"With your permission, we can connect you with services such as a safe place to stay, health care, legal help or an interpreter."

Ask: "Is it all right if I write down what you tell me?" and, before any referral, "Is it all right to share this with this service so they can help you?"

Record the answers: what the person agreed to share, with whom, and for what. If an interpreter helps, check first that the interpreter does not know the person or anyone involved."""),
        "fr": ("Consentement : ce que la personne doit savoir avant de parler", """\
Expliquez simplement, avant de noter quoi que ce soit sur la personne :

« C'est vous qui décidez de ce que vous nous dites. Vous pouvez passer une question et vous pouvez arrêter à tout moment. Vous n'avez pas à parler à la police pour recevoir de l'aide. »

« Ce que vous nous dites reste confidentiel. Nous ne le communiquons qu'avec votre accord, sauf dans deux cas : si quelqu'un est en danger immédiat, nous pouvons appeler le 911; et si nous croyons qu'un enfant ou un jeune de moins de 19 ans pourrait avoir besoin de protection, la loi nous oblige à le signaler à la protection de l'enfance. »

« Avec votre permission, nous pouvons vous mettre en lien avec des services : un endroit sûr où loger, des soins de santé, de l'aide juridique ou un interprète. »

Demandez : « Puis-je noter ce que vous me dites? » et, avant tout aiguillage, « Puis-je communiquer ces renseignements à ce service pour qu'il puisse vous aider? »

Notez les réponses : ce que la personne accepte de communiquer, à qui et dans quel but. Si un interprète vous aide, vérifiez d'abord qu'il ne connaît ni la personne ni les personnes en cause."""),
    },
    "duty_to_report_child": {
        "en": ("Duty to report a child who may need protection", """\
In British Columbia, anyone who has reason to believe that a child needs protection must report it promptly (Child, Family and Community Service Act, section 14). A child is anyone under 19.

This duty overrides confidentiality: the person's consent cannot switch it off. The Act counts a child who is sexually exploited — including a child coerced or lured into prostitution — as a child who may need protection.

If the caller, or the person they describe, may be under 19 and may need protection, report it to child protection: 1-800-663-9122 (24/7). If the child is in immediate danger, call 911 first.

Tell the caller honestly, and if you can before they share more, that you must make this report and what happens next.

Record on the contact that a report was made, when, and to whom, and tell your lead."""),
        "fr": ("Obligation de signaler un enfant qui pourrait avoir besoin de protection", """\
En Colombie-Britannique, toute personne qui a des raisons de croire qu'un enfant a besoin de protection doit le signaler sans délai (Child, Family and Community Service Act, article 14). Est un enfant toute personne de moins de 19 ans.

Cette obligation l'emporte sur la confidentialité : le consentement de la personne ne peut pas l'écarter. La loi considère qu'un enfant exploité sexuellement — y compris un enfant contraint ou incité à la prostitution — peut avoir besoin de protection.

Si l'appelant, ou la personne qu'il décrit, pourrait avoir moins de 19 ans et avoir besoin de protection, signalez-le à la protection de l'enfance : 1-800-663-9122 (24 h sur 24). Si l'enfant est en danger immédiat, appelez d'abord le 911.

Dites honnêtement à l'appelant, si possible avant qu'il en dise davantage, que vous devez faire ce signalement et ce qui se passera ensuite.

Indiquez dans le contact qu'un signalement a été fait, quand et à qui, et informez votre responsable."""),
    },
}


def seed_scripts(*, coordinator: User | None) -> str:
    """Write and publish the default scripts once (a key that has any version already is left alone)."""
    if coordinator is None or guidance.lead_unit(coordinator) is not None:
        return "scripts: no coordinator of the coordinating office; none written"
    made = 0
    for topic, by_language in SCRIPTS.items():
        for language, (title, body) in by_language.items():
            if GuidanceScript.objects.of_key(organization_id=None, topic=topic, language=language).exists():
                continue
            script = guidance.draft_script(actor=coordinator, topic=topic, language=language, title=title, body=body)
            guidance.publish_script(actor=coordinator, script=script)
            made += 1
    return f"{made} scripts published" if made else "scripts already present"
