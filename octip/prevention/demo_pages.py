# ruff: noqa: E501 - translated text: CJK characters count double, and sentences read better unbroken.
"""Public awareness pages seeded by ``seed_demo``: the three key pages in every public language, and a
further page in English and French. Trainers edit them at /app/prevention/pages/. Numbers from
shared/reference/bc_context.md."""

from __future__ import annotations

_LINES = ('<ul><li>911</li><li><a href="tel:18887127974">1-888-712-7974</a></li>'
          '<li><a href="tel:18005630808">1-800-563-0808</a></li><li><a href="tel:18339001010">1-833-900-1010</a></li></ul>')
_REPORT_LINK = '<p><a href="/report/">{}</a></p>'

PAGES: dict[str, dict[str, tuple[str, str]]] = {
    "what-is-trafficking": {
        "en": ("What human trafficking is", """
<p>Human trafficking is when someone recruits, moves, holds or controls a person in order to exploit them:
for sex, for work or services, or for their organs. Traffickers use force, threats, lies, debts or a person's
vulnerability to keep control.</p>
<p>It happens in British Columbia, to adults and to young people, to people born in Canada and to newcomers.
Crossing a border is not needed. A person cannot consent to being exploited.</p>
<h2>Signs to notice</h2>
<ul><li>Someone else holds the person's identity documents or speaks for them.</li>
<li>A debt that never gets smaller, or being unable to leave work or housing.</li>
<li>Fear, isolation, never being alone, not knowing their own address.</li></ul>"""),
        "fr": ("Ce qu'est la traite des personnes", """
<p>La traite des personnes, c'est lorsque quelqu'un recrute, déplace, retient ou contrôle une personne pour
l'exploiter : à des fins sexuelles, pour son travail ou ses services, ou pour ses organes. Les trafiquants
utilisent la force, les menaces, le mensonge, les dettes ou la vulnérabilité de la personne pour garder le
contrôle.</p>
<p>Elle existe en Colombie-Britannique, chez les adultes comme chez les jeunes, chez les personnes nées au
Canada comme chez les nouveaux arrivants. Il n'est pas nécessaire de franchir une frontière. Personne ne peut
consentir à être exploité.</p>
<h2>Signes à remarquer</h2>
<ul><li>Quelqu'un d'autre garde les pièces d'identité de la personne ou parle à sa place.</li>
<li>Une dette qui ne diminue jamais, ou l'impossibilité de quitter son travail ou son logement.</li>
<li>La peur, l'isolement, ne jamais être seul, ne pas connaître sa propre adresse.</li></ul>"""),
        "pa": ("ਮਨੁੱਖੀ ਤਸਕਰੀ ਕੀ ਹੈ", """
<p>ਮਨੁੱਖੀ ਤਸਕਰੀ ਉਦੋਂ ਹੁੰਦੀ ਹੈ ਜਦੋਂ ਕੋਈ ਵਿਅਕਤੀ ਕਿਸੇ ਦਾ ਸ਼ੋਸ਼ਣ ਕਰਨ ਲਈ ਉਸਨੂੰ ਭਰਤੀ ਕਰਦਾ ਹੈ, ਇੱਕ ਥਾਂ ਤੋਂ ਦੂਜੀ ਥਾਂ ਲਿਜਾਂਦਾ ਹੈ,
ਰੋਕ ਕੇ ਰੱਖਦਾ ਹੈ ਜਾਂ ਕਾਬੂ ਵਿੱਚ ਰੱਖਦਾ ਹੈ: ਸੈਕਸ ਲਈ, ਕੰਮ ਜਾਂ ਸੇਵਾਵਾਂ ਲਈ, ਜਾਂ ਅੰਗਾਂ ਲਈ। ਤਸਕਰ ਕਾਬੂ ਰੱਖਣ ਲਈ ਜ਼ੋਰ, ਧਮਕੀਆਂ,
ਝੂਠ, ਕਰਜ਼ੇ ਜਾਂ ਵਿਅਕਤੀ ਦੀ ਮਜਬੂਰੀ ਦੀ ਵਰਤੋਂ ਕਰਦੇ ਹਨ।</p>
<p>ਇਹ ਬ੍ਰਿਟਿਸ਼ ਕੋਲੰਬੀਆ ਵਿੱਚ ਵੀ ਹੁੰਦੀ ਹੈ — ਬਾਲਗਾਂ ਅਤੇ ਨੌਜਵਾਨਾਂ ਨਾਲ, ਕੈਨੇਡਾ ਵਿੱਚ ਜੰਮੇ ਲੋਕਾਂ ਅਤੇ ਨਵੇਂ ਆਏ ਲੋਕਾਂ ਨਾਲ। ਸਰਹੱਦ
ਪਾਰ ਕਰਨੀ ਜ਼ਰੂਰੀ ਨਹੀਂ। ਕੋਈ ਵੀ ਆਪਣੇ ਸ਼ੋਸ਼ਣ ਲਈ ਸਹਿਮਤੀ ਨਹੀਂ ਦੇ ਸਕਦਾ।</p>
<h2>ਧਿਆਨ ਦੇਣ ਵਾਲੇ ਸੰਕੇਤ</h2>
<ul><li>ਕਿਸੇ ਹੋਰ ਕੋਲ ਵਿਅਕਤੀ ਦੇ ਪਛਾਣ ਪੱਤਰ ਹਨ ਜਾਂ ਉਹ ਉਸਦੀ ਥਾਂ ਬੋਲਦਾ ਹੈ।</li>
<li>ਅਜਿਹਾ ਕਰਜ਼ਾ ਜੋ ਕਦੇ ਘੱਟ ਨਹੀਂ ਹੁੰਦਾ, ਜਾਂ ਕੰਮ ਜਾਂ ਰਿਹਾਇਸ਼ ਛੱਡ ਨਾ ਸਕਣਾ।</li>
<li>ਡਰ, ਇਕੱਲਾਪਣ, ਕਦੇ ਵੀ ਇਕੱਲੇ ਨਾ ਹੋਣਾ, ਆਪਣਾ ਪਤਾ ਨਾ ਜਾਣਨਾ।</li></ul>"""),
        "zh-hans": ("什么是人口贩运", """
<p>人口贩运是指有人为了剥削某人而招募、运送、扣留或控制此人：用于性剥削、劳动或服务，或摘取器官。贩运者利用暴力、威胁、谎言、
债务或当事人的弱势处境来维持控制。</p>
<p>它发生在不列颠哥伦比亚省，受害者有成年人也有年轻人，有在加拿大出生的人也有新移民。不一定要跨越边境。任何人都不能同意被剥削。</p>
<h2>需要留意的迹象</h2>
<ul><li>别人保管当事人的身份证件，或替他们说话。</li>
<li>债务永远还不完，或无法离开工作或住处。</li>
<li>恐惧、孤立、从不单独一人、不知道自己的住址。</li></ul>"""),
        "zh-hant": ("什麼是人口販運", """
<p>人口販運是指有人為了剝削某人而招募、運送、扣留或控制此人：用於性剝削、勞動或服務，或摘取器官。販運者利用暴力、威脅、謊言、
債務或當事人的弱勢處境來維持控制。</p>
<p>它發生在卑詩省，受害者有成年人也有年輕人，有在加拿大出生的人也有新移民。不一定要跨越邊境。任何人都不能同意被剝削。</p>
<h2>需要留意的跡象</h2>
<ul><li>別人保管當事人的身分證件，或替他們說話。</li>
<li>債務永遠還不完，或無法離開工作或住處。</li>
<li>恐懼、孤立、從不單獨一人、不知道自己的住址。</li></ul>"""),
        "tl": ("Ano ang human trafficking", """
<p>Ang human trafficking ay kapag may nagre-recruit, naglilipat, nagkukulong o kumokontrol sa isang tao para
pagsamantalahan siya: para sa sex, para sa trabaho o serbisyo, o para sa kanyang mga organ. Gumagamit ang mga
trafficker ng dahas, pananakot, kasinungalingan, utang o kahinaan ng tao para mapanatili ang kontrol.</p>
<p>Nangyayari ito sa British Columbia, sa matatanda at sa kabataan, sa mga ipinanganak sa Canada at sa mga
bagong dating. Hindi kailangang tumawid ng hangganan. Walang taong maaaring pumayag na pagsamantalahan.</p>
<h2>Mga palatandaang dapat pansinin</h2>
<ul><li>Iba ang may hawak ng mga ID ng tao o iba ang nagsasalita para sa kanya.</li>
<li>Utang na hindi kailanman lumiliit, o hindi makaalis sa trabaho o tirahan.</li>
<li>Takot, pagkakahiwalay, hindi kailanman nag-iisa, hindi alam ang sariling address.</li></ul>"""),
        "es": ("Qué es la trata de personas", """
<p>La trata de personas ocurre cuando alguien recluta, traslada, retiene o controla a una persona para
explotarla: sexualmente, por su trabajo o sus servicios, o por sus órganos. Los tratantes usan la fuerza, las
amenazas, las mentiras, las deudas o la vulnerabilidad de la persona para mantener el control.</p>
<p>Ocurre en Columbia Británica, a personas adultas y jóvenes, nacidas en Canadá o recién llegadas. No hace
falta cruzar una frontera. Nadie puede consentir en ser explotado.</p>
<h2>Señales a tener en cuenta</h2>
<ul><li>Otra persona guarda sus documentos de identidad o habla por ella.</li>
<li>Una deuda que nunca disminuye, o no poder dejar el trabajo o la vivienda.</li>
<li>Miedo, aislamiento, nunca estar sola, no conocer su propia dirección.</li></ul>"""),
        "ko": ("인신매매란 무엇인가요", """
<p>인신매매란 누군가가 어떤 사람을 착취하기 위해 모집하거나, 이동시키거나, 붙잡아 두거나, 통제하는 것입니다. 성 착취, 노동이나
서비스, 또는 장기 적출을 위한 것입니다. 인신매매범은 폭력, 협박, 거짓말, 빚, 또는 그 사람의 취약한 처지를 이용해 통제를
유지합니다.</p>
<p>인신매매는 브리티시컬럼비아주에서도 일어나며, 성인과 청소년, 캐나다에서 태어난 사람과 새로 온 이민자 모두에게 일어납니다.
국경을 넘을 필요는 없습니다. 누구도 착취당하는 것에 동의할 수 없습니다.</p>
<h2>주의해야 할 징후</h2>
<ul><li>다른 사람이 그 사람의 신분증을 가지고 있거나 대신 말합니다.</li>
<li>줄어들지 않는 빚이 있거나, 직장이나 숙소를 떠날 수 없습니다.</li>
<li>두려움, 고립, 혼자 있는 적이 없음, 자기 주소를 모름.</li></ul>"""),
        "vi": ("Mua bán người là gì", """
<p>Mua bán người là khi một người tuyển dụng, di chuyển, giam giữ hoặc kiểm soát người khác để bóc lột họ:
bóc lột tình dục, bóc lột sức lao động hoặc dịch vụ, hoặc lấy nội tạng. Kẻ buôn người dùng vũ lực, đe dọa,
lừa dối, nợ nần hoặc hoàn cảnh khó khăn của nạn nhân để giữ quyền kiểm soát.</p>
<p>Việc này xảy ra ở British Columbia, với người lớn và người trẻ, với người sinh ra ở Canada và người mới
đến. Không cần phải vượt biên giới. Không ai có thể đồng ý để bị bóc lột.</p>
<h2>Những dấu hiệu cần để ý</h2>
<ul><li>Người khác giữ giấy tờ tùy thân của họ hoặc nói thay họ.</li>
<li>Món nợ không bao giờ giảm, hoặc không thể rời bỏ công việc hay chỗ ở.</li>
<li>Sợ hãi, bị cô lập, không bao giờ được ở một mình, không biết địa chỉ của chính mình.</li></ul>"""),
        "fa": ("قاچاق انسان چیست", """
<p>قاچاق انسان یعنی کسی فردی را جذب می‌کند، جابه‌جا می‌کند، نگه می‌دارد یا کنترل می‌کند تا از او بهره‌کشی کند:
بهره‌کشی جنسی، کار یا خدمات اجباری، یا برداشتن اعضای بدن. قاچاقچیان با زور، تهدید، دروغ، بدهی یا سوءاستفاده از
آسیب‌پذیری فرد کنترل خود را حفظ می‌کنند.</p>
<p>این اتفاق در بریتیش کلمبیا هم می‌افتد، برای بزرگسالان و جوانان، برای متولدین کانادا و تازه‌واردان. لازم نیست از
مرزی عبور شود. هیچ‌کس نمی‌تواند به بهره‌کشی از خود رضایت دهد.</p>
<h2>نشانه‌هایی که باید به آن‌ها توجه کرد</h2>
<ul><li>مدارک هویتی فرد دست کس دیگری است یا کس دیگری به جای او حرف می‌زند.</li>
<li>بدهی‌ای که هرگز کم نمی‌شود، یا نتوانستن ترک محل کار یا محل زندگی.</li>
<li>ترس، انزوا، هرگز تنها نبودن، ندانستن نشانی خود.</li></ul>"""),
        "ar": ("ما هو الاتجار بالبشر", """
<p>الاتجار بالبشر هو أن يقوم شخص بتجنيد شخص آخر أو نقله أو احتجازه أو السيطرة عليه بهدف استغلاله: جنسيًا، أو في
العمل أو الخدمات، أو لنزع أعضائه. يستخدم المتاجرون القوة أو التهديد أو الكذب أو الديون أو ضعف الشخص للإبقاء على
سيطرتهم.</p>
<p>يحدث ذلك في مقاطعة بريتش كولومبيا، للبالغين والشباب، وللمولودين في كندا وللقادمين الجدد. لا يشترط عبور الحدود.
ولا يمكن لأي شخص أن يوافق على استغلاله.</p>
<h2>علامات يجب الانتباه إليها</h2>
<ul><li>شخص آخر يحتفظ بوثائق هوية الشخص أو يتكلم نيابة عنه.</li>
<li>دين لا يتناقص أبدًا، أو عدم القدرة على ترك العمل أو السكن.</li>
<li>الخوف، والعزلة، وعدم البقاء وحيدًا أبدًا، وعدم معرفة عنوانه.</li></ul>"""),
    },
    "get-help": {
        "en": ("Get help", "<p>If you are in danger now, call 911. Help is free and confidential, in many languages, "
                           "whatever your immigration status. You do not have to give your name or talk to police.</p>"
                           + _LINES),
        "fr": ("Obtenir de l'aide", "<p>Si vous êtes en danger maintenant, composez le 911. L'aide est gratuite et "
                                    "confidentielle, dans de nombreuses langues, quel que soit votre statut "
                                    "d'immigration. Vous n'avez pas à donner votre nom ni à parler à la police.</p>"
                                    + _LINES),
        "pa": ("ਮਦਦ ਲਓ", "<p>ਜੇ ਤੁਸੀਂ ਹੁਣੇ ਖ਼ਤਰੇ ਵਿੱਚ ਹੋ, ਤਾਂ 911 'ਤੇ ਕਾਲ ਕਰੋ। ਮਦਦ ਮੁਫ਼ਤ ਅਤੇ ਗੁਪਤ ਹੈ, ਕਈ ਭਾਸ਼ਾਵਾਂ ਵਿੱਚ, ਤੁਹਾਡੇ "
                         "ਇਮੀਗ੍ਰੇਸ਼ਨ ਸਟੇਟਸ ਦੀ ਪਰਵਾਹ ਕੀਤੇ ਬਿਨਾਂ। ਤੁਹਾਨੂੰ ਆਪਣਾ ਨਾਮ ਦੱਸਣ ਜਾਂ ਪੁਲਿਸ ਨਾਲ ਗੱਲ ਕਰਨ ਦੀ ਲੋੜ ਨਹੀਂ।</p>"
                         + _LINES),
        "zh-hans": ("获取帮助", "<p>如果您现在有危险，请拨打 911。无论您的移民身份如何，帮助都是免费和保密的，并提供多种语言服务。"
                              "您不必说出姓名，也不必与警方交谈。</p>" + _LINES),
        "zh-hant": ("獲取幫助", "<p>如果您現在有危險，請撥打 911。無論您的移民身分如何，幫助都是免費和保密的，並提供多種語言服務。"
                              "您不必說出姓名，也不必與警方交談。</p>" + _LINES),
        "tl": ("Humingi ng tulong", "<p>Kung nasa panganib ka ngayon, tumawag sa 911. Libre at kumpidensyal ang tulong, sa "
                                    "maraming wika, anuman ang iyong immigration status. Hindi mo kailangang ibigay ang "
                                    "iyong pangalan o makipag-usap sa pulis.</p>" + _LINES),
        "es": ("Obtener ayuda", "<p>Si está en peligro ahora, llame al 911. La ayuda es gratuita y confidencial, en muchos "
                                "idiomas, sea cual sea su situación migratoria. No tiene que dar su nombre ni hablar con "
                                "la policía.</p>" + _LINES),
        "ko": ("도움 받기", "<p>지금 위험에 처해 있다면 911에 전화하세요. 도움은 이민 신분과 관계없이 무료이며 비밀이 보장되고, 여러 "
                          "언어로 제공됩니다. 이름을 밝히거나 경찰과 이야기할 필요가 없습니다.</p>" + _LINES),
        "vi": ("Nhận trợ giúp", "<p>Nếu bạn đang gặp nguy hiểm, hãy gọi 911. Sự trợ giúp là miễn phí và bảo mật, bằng nhiều "
                                "ngôn ngữ, bất kể tình trạng di trú của bạn. Bạn không cần cho biết tên hay nói chuyện với "
                                "cảnh sát.</p>" + _LINES),
        "fa": ("کمک بگیرید", "<p>اگر همین حالا در خطر هستید، با ۹۱۱ تماس بگیرید. کمک رایگان و محرمانه است، به زبان‌های "
                             "بسیار، صرف‌نظر از وضعیت اقامتی شما. لازم نیست نام خود را بگویید یا با پلیس صحبت کنید.</p>"
                             + _LINES),
        "ar": ("احصل على المساعدة", "<p>إذا كنت في خطر الآن، اتصل بالرقم 911. المساعدة مجانية وسرية، وبلغات كثيرة، أيًا كان "
                                    "وضعك في الهجرة. لست مضطرًا لذكر اسمك أو التحدث إلى الشرطة.</p>" + _LINES),
    },
    "report": {
        "en": ("Report a concern", "<p>If you think someone is being trafficked, you can tell us. You do not have to be "
                                   "sure, and you do not have to give your name. If anyone is in danger now, call "
                                   "911. You can call the 24/7 line at 1-888-712-7974, or send a report online.</p>"
                                   + _REPORT_LINK.format("Send a report online")),
        "fr": ("Signaler une préoccupation", "<p>Si vous pensez qu'une personne est victime de traite, vous pouvez nous "
                                              "le dire. Vous n'avez pas à en être certain ni à donner votre nom. Si "
                                              "quelqu'un est en danger maintenant, composez le 911. Vous pouvez appeler "
                                              "la ligne 24 h sur 24 au 1-888-712-7974 ou envoyer un signalement en "
                                              "ligne.</p>" + _REPORT_LINK.format("Envoyer un signalement en ligne")),
        "pa": ("ਚਿੰਤਾ ਦੀ ਰਿਪੋਰਟ ਕਰੋ", "<p>ਜੇ ਤੁਹਾਨੂੰ ਲੱਗਦਾ ਹੈ ਕਿ ਕਿਸੇ ਦੀ ਤਸਕਰੀ ਹੋ ਰਹੀ ਹੈ, ਤਾਂ ਤੁਸੀਂ ਸਾਨੂੰ ਦੱਸ ਸਕਦੇ ਹੋ। ਤੁਹਾਨੂੰ "
                                     "ਪੱਕਾ ਹੋਣ ਜਾਂ ਆਪਣਾ ਨਾਮ ਦੇਣ ਦੀ ਲੋੜ ਨਹੀਂ। ਜੇ ਕੋਈ ਹੁਣੇ ਖ਼ਤਰੇ ਵਿੱਚ ਹੈ, ਤਾਂ 911 'ਤੇ ਕਾਲ ਕਰੋ। ਤੁਸੀਂ "
                                     "24/7 ਲਾਈਨ 1-888-712-7974 'ਤੇ ਕਾਲ ਕਰ ਸਕਦੇ ਹੋ (ਦੁਭਾਸ਼ੀਆ ਉਪਲਬਧ ਹੈ)।</p>"
                                     + _REPORT_LINK.format("ਔਨਲਾਈਨ ਰਿਪੋਰਟ ਭੇਜੋ (ਅੰਗਰੇਜ਼ੀ ਜਾਂ ਫ਼ਰਾਂਸੀਸੀ)")),
        "zh-hans": ("报告您的担忧", "<p>如果您认为有人正在被贩运，可以告诉我们。您不必确定，也不必留下姓名。如果有人现在有危险，"
                                 "请拨打 911。您可以拨打 24/7 热线 1-888-712-7974（提供口译）。</p>"
                                 + _REPORT_LINK.format("在线提交报告（英文或法文）")),
        "zh-hant": ("報告您的擔憂", "<p>如果您認為有人正在被販運，可以告訴我們。您不必確定，也不必留下姓名。如果有人現在有危險，"
                                 "請撥打 911。您可以撥打 24/7 熱線 1-888-712-7974（提供口譯）。</p>"
                                 + _REPORT_LINK.format("線上提交報告（英文或法文）")),
        "tl": ("Mag-ulat ng alalahanin", "<p>Kung sa tingin mo ay may taong biktima ng trafficking, maaari mo kaming "
                                         "sabihan. Hindi mo kailangang sigurado, at hindi mo kailangang ibigay ang iyong "
                                         "pangalan. Kung may nasa panganib ngayon, tumawag sa 911. Maaari kang tumawag sa "
                                         "24/7 na linya sa 1-888-712-7974 (may interpreter).</p>"
                                         + _REPORT_LINK.format("Magpadala ng ulat online (Ingles o Pranses)")),
        "es": ("Informar de una preocupación", "<p>Si cree que alguien es víctima de trata, puede decírnoslo. No necesita "
                                               "estar seguro ni dar su nombre. Si alguien está en peligro ahora, llame al "
                                               "911. Puede llamar a la línea 24/7 al 1-888-712-7974 (con interpretación).</p>"
                                               + _REPORT_LINK.format("Enviar un informe en línea (en inglés o francés)")),
        "ko": ("우려 사항 신고하기", "<p>누군가 인신매매를 당하고 있다고 생각되면 저희에게 알려 주세요. 확신하지 않아도 되고 이름을 "
                                "밝히지 않아도 됩니다. 지금 위험에 처한 사람이 있다면 911에 전화하세요. 24시간 상담전화 "
                                "1-888-712-7974로 전화할 수 있습니다(통역 제공).</p>"
                                + _REPORT_LINK.format("온라인으로 신고하기(영어 또는 프랑스어)")),
        "vi": ("Báo cáo mối lo ngại", "<p>Nếu bạn nghĩ có người đang bị mua bán, bạn có thể cho chúng tôi biết. Bạn không cần "
                                      "chắc chắn và không cần cho biết tên. Nếu có ai đang gặp nguy hiểm, hãy gọi 911. Bạn "
                                      "có thể gọi đường dây 24/7 số 1-888-712-7974 (có thông dịch).</p>"
                                      + _REPORT_LINK.format("Gửi báo cáo trực tuyến (tiếng Anh hoặc tiếng Pháp)")),
        "fa": ("گزارش یک نگرانی", "<p>اگر فکر می‌کنید کسی قربانی قاچاق است، می‌توانید به ما بگویید. لازم نیست مطمئن باشید و "
                                  "لازم نیست نام خود را بگویید. اگر کسی همین حالا در خطر است، با ۹۱۱ تماس بگیرید. می‌توانید "
                                  "با خط شبانه‌روزی 1-888-712-7974 تماس بگیرید (مترجم در دسترس است).</p>"
                                  + _REPORT_LINK.format("ارسال گزارش آنلاین (به انگلیسی یا فرانسوی)")),
        "ar": ("الإبلاغ عن مخاوف", "<p>إذا كنت تعتقد أن شخصًا ما ضحية للاتجار، يمكنك إخبارنا. لست مضطرًا لأن تكون متأكدًا، "
                                   "ولا لذكر اسمك. إذا كان أحد في خطر الآن، اتصل بالرقم 911. يمكنك الاتصال بالخط المتاح "
                                   "على مدار الساعة 1-888-712-7974 (تتوفر الترجمة الفورية).</p>"
                                   + _REPORT_LINK.format("أرسل بلاغًا عبر الإنترنت (بالإنجليزية أو الفرنسية)")),
    },
    "myths-and-facts": {
        "en": ("Myths and facts", """
<dl><dt>Myth: trafficking always involves crossing a border.</dt><dd>Fact: Canadian law needs no border
crossing, and many people trafficked in Canada never leave the country.</dd>
<dt>Myth: a person who agreed to the job cannot be trafficked.</dt><dd>Fact: consent is no defence under the
Criminal Code; deception and control make it trafficking.</dd>
<dt>Myth: trafficked people are always locked up.</dt><dd>Fact: control is often through debts, threats to
family, confiscated documents or fear of immigration authorities.</dd></dl>"""),
        "fr": ("Mythes et réalités", """
<dl><dt>Mythe : la traite suppose toujours le passage d'une frontière.</dt><dd>Réalité : le droit canadien
n'exige aucun passage de frontière, et beaucoup de personnes victimes de traite au Canada ne quittent jamais
le pays.</dd>
<dt>Mythe : une personne qui a accepté l'emploi ne peut pas être victime de traite.</dt><dd>Réalité : le
consentement n'est pas un moyen de défense selon le Code criminel; la tromperie et le contrôle en font de la
traite.</dd>
<dt>Mythe : les personnes victimes de traite sont toujours enfermées.</dt><dd>Réalité : le contrôle passe
souvent par des dettes, des menaces envers la famille, la confiscation des papiers ou la peur des autorités
d'immigration.</dd></dl>"""),
    },
}
