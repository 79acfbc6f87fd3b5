# ruff: noqa: E501 - translated text: CJK characters count double, and sentences read better unbroken.
"""The public site's interface strings in its further languages (Punjabi, Chinese, Tagalog, Spanish,
Korean, Vietnamese, Farsi, Arabic): the source of ``octip/prevention/locale/<lang>/LC_MESSAGES/django.po``.

``python -m octip.prevention.public_catalogs`` writes the catalogs; ``manage.py compilemessages`` compiles
them. Only the public pages' strings are here (the quick exit, the navigation, home, get help, the
awareness pages); staff pages stay in English and French. Translations written for this platform; have a
community translator review them before production.
"""

from __future__ import annotations

from pathlib import Path

HOME_TEXT = ("Human trafficking is when someone controls another person to exploit them for sex or for work, "
             "through force, threats, lies or debts. It happens in British Columbia, to adults and to young people. "
             "Help is free and confidential, in many languages, whatever your immigration status.")
CALL_TEXT = ("A trained person listens, helps you think about your safety, and — only if you agree — connects you "
             "with services such as a safe place to stay, health care, legal help and immigration advice. Nothing is "
             "shared with police without your consent, unless a life is at risk or a child needs protection.")
CSRF_TEXT = ("For your safety, forms stop working after a while or when cookies are blocked. Nothing was sent. "
             "Go back, reload the page, and try again.")

MSGIDS = [
    "Quick exit", "Leave this site fast: press the button, or Escape twice.",
    "Help for people affected by human trafficking", "Main", "Home", "Get help", "Find a service", "Report a concern",
    "Learn about human trafficking", "Training", "This site sets no tracking cookies and loads nothing from other sites.",
    "Partner staff sign in", "You are not alone", "If you or someone else is in danger now, call 911.", HOME_TEXT,
    "Lines you can call", "In danger now? Call 911.",
    "You can call any of these lines at any time. You do not have to give your name. Interpreters are available.",
    "What happens when you call", CALL_TEXT, "Skip to main content",
    "This page is not yet available in your language. Here it is in English.", "No page in this language yet.",
    "Practices library: laws, programs and studies from other places", "This form has expired", CSRF_TEXT,
]

T: dict[str, list[str]] = {
    "pa": [
        "ਤੁਰੰਤ ਬਾਹਰ ਨਿਕਲੋ", "ਇਸ ਸਾਈਟ ਤੋਂ ਜਲਦੀ ਬਾਹਰ ਨਿਕਲੋ: ਬਟਨ ਦਬਾਓ, ਜਾਂ ਦੋ ਵਾਰ Escape ਦਬਾਓ।",
        "ਮਨੁੱਖੀ ਤਸਕਰੀ ਤੋਂ ਪ੍ਰਭਾਵਿਤ ਲੋਕਾਂ ਲਈ ਮਦਦ", "ਮੁੱਖ", "ਮੁੱਖ ਪੰਨਾ", "ਮਦਦ ਲਓ", "ਸੇਵਾ ਲੱਭੋ", "ਚਿੰਤਾ ਦੀ ਰਿਪੋਰਟ ਕਰੋ",
        "ਮਨੁੱਖੀ ਤਸਕਰੀ ਬਾਰੇ ਜਾਣੋ", "ਸਿਖਲਾਈ", "ਇਹ ਸਾਈਟ ਕੋਈ ਟਰੈਕਿੰਗ ਕੂਕੀਜ਼ ਨਹੀਂ ਰੱਖਦੀ ਅਤੇ ਹੋਰ ਸਾਈਟਾਂ ਤੋਂ ਕੁਝ ਵੀ ਲੋਡ ਨਹੀਂ ਕਰਦੀ।",
        "ਭਾਈਵਾਲ ਸਟਾਫ਼ ਸਾਈਨ ਇਨ", "ਤੁਸੀਂ ਇਕੱਲੇ ਨਹੀਂ ਹੋ", "ਜੇ ਤੁਸੀਂ ਜਾਂ ਕੋਈ ਹੋਰ ਹੁਣੇ ਖ਼ਤਰੇ ਵਿੱਚ ਹੈ, ਤਾਂ 911 'ਤੇ ਕਾਲ ਕਰੋ।",
        "ਮਨੁੱਖੀ ਤਸਕਰੀ ਉਦੋਂ ਹੁੰਦੀ ਹੈ ਜਦੋਂ ਕੋਈ ਵਿਅਕਤੀ ਜ਼ੋਰ, ਧਮਕੀਆਂ, ਝੂਠ ਜਾਂ ਕਰਜ਼ਿਆਂ ਰਾਹੀਂ ਕਿਸੇ ਹੋਰ ਨੂੰ ਕਾਬੂ ਕਰਕੇ ਸੈਕਸ ਜਾਂ ਕੰਮ ਲਈ "
        "ਉਸਦਾ ਸ਼ੋਸ਼ਣ ਕਰਦਾ ਹੈ। ਇਹ ਬ੍ਰਿਟਿਸ਼ ਕੋਲੰਬੀਆ ਵਿੱਚ ਬਾਲਗਾਂ ਅਤੇ ਨੌਜਵਾਨਾਂ ਨਾਲ ਹੁੰਦੀ ਹੈ। ਮਦਦ ਮੁਫ਼ਤ ਅਤੇ ਗੁਪਤ ਹੈ, ਕਈ ਭਾਸ਼ਾਵਾਂ ਵਿੱਚ, "
        "ਤੁਹਾਡੇ ਇਮੀਗ੍ਰੇਸ਼ਨ ਸਟੇਟਸ ਦੀ ਪਰਵਾਹ ਕੀਤੇ ਬਿਨਾਂ।",
        "ਲਾਈਨਾਂ ਜਿਨ੍ਹਾਂ 'ਤੇ ਤੁਸੀਂ ਕਾਲ ਕਰ ਸਕਦੇ ਹੋ", "ਹੁਣੇ ਖ਼ਤਰੇ ਵਿੱਚ ਹੋ? 911 'ਤੇ ਕਾਲ ਕਰੋ।",
        "ਤੁਸੀਂ ਇਹਨਾਂ ਵਿੱਚੋਂ ਕਿਸੇ ਵੀ ਲਾਈਨ 'ਤੇ ਕਿਸੇ ਵੀ ਸਮੇਂ ਕਾਲ ਕਰ ਸਕਦੇ ਹੋ। ਤੁਹਾਨੂੰ ਆਪਣਾ ਨਾਮ ਦੱਸਣ ਦੀ ਲੋੜ ਨਹੀਂ। ਦੁਭਾਸ਼ੀਏ ਉਪਲਬਧ ਹਨ।",
        "ਜਦੋਂ ਤੁਸੀਂ ਕਾਲ ਕਰਦੇ ਹੋ ਤਾਂ ਕੀ ਹੁੰਦਾ ਹੈ",
        "ਇੱਕ ਸਿਖਲਾਈ ਪ੍ਰਾਪਤ ਵਿਅਕਤੀ ਤੁਹਾਡੀ ਗੱਲ ਸੁਣਦਾ ਹੈ, ਤੁਹਾਡੀ ਸੁਰੱਖਿਆ ਬਾਰੇ ਸੋਚਣ ਵਿੱਚ ਮਦਦ ਕਰਦਾ ਹੈ, ਅਤੇ — ਸਿਰਫ਼ ਤੁਹਾਡੀ ਸਹਿਮਤੀ ਨਾਲ — "
        "ਤੁਹਾਨੂੰ ਸੁਰੱਖਿਅਤ ਰਿਹਾਇਸ਼, ਸਿਹਤ ਸੰਭਾਲ, ਕਾਨੂੰਨੀ ਮਦਦ ਅਤੇ ਇਮੀਗ੍ਰੇਸ਼ਨ ਸਲਾਹ ਵਰਗੀਆਂ ਸੇਵਾਵਾਂ ਨਾਲ ਜੋੜਦਾ ਹੈ। ਤੁਹਾਡੀ ਸਹਿਮਤੀ ਤੋਂ "
        "ਬਿਨਾਂ ਪੁਲਿਸ ਨਾਲ ਕੁਝ ਵੀ ਸਾਂਝਾ ਨਹੀਂ ਕੀਤਾ ਜਾਂਦਾ, ਜਦੋਂ ਤੱਕ ਕਿਸੇ ਦੀ ਜਾਨ ਖ਼ਤਰੇ ਵਿੱਚ ਨਾ ਹੋਵੇ ਜਾਂ ਕਿਸੇ ਬੱਚੇ ਨੂੰ ਸੁਰੱਖਿਆ ਦੀ ਲੋੜ ਨਾ ਹੋਵੇ।",
        "ਮੁੱਖ ਸਮੱਗਰੀ 'ਤੇ ਜਾਓ", "ਇਹ ਪੰਨਾ ਅਜੇ ਤੁਹਾਡੀ ਭਾਸ਼ਾ ਵਿੱਚ ਉਪਲਬਧ ਨਹੀਂ ਹੈ। ਇੱਥੇ ਇਹ ਅੰਗਰੇਜ਼ੀ ਵਿੱਚ ਹੈ।",
        "ਇਸ ਭਾਸ਼ਾ ਵਿੱਚ ਅਜੇ ਕੋਈ ਪੰਨਾ ਨਹੀਂ ਹੈ।", "ਅਭਿਆਸਾਂ ਦੀ ਲਾਇਬ੍ਰੇਰੀ: ਹੋਰ ਥਾਵਾਂ ਦੇ ਕਾਨੂੰਨ, ਪ੍ਰੋਗਰਾਮ ਅਤੇ ਅਧਿਐਨ",
        "ਇਸ ਫ਼ਾਰਮ ਦੀ ਮਿਆਦ ਖ਼ਤਮ ਹੋ ਗਈ ਹੈ",
        "ਤੁਹਾਡੀ ਸੁਰੱਖਿਆ ਲਈ, ਫ਼ਾਰਮ ਕੁਝ ਸਮੇਂ ਬਾਅਦ ਜਾਂ ਕੂਕੀਜ਼ ਬਲੌਕ ਹੋਣ 'ਤੇ ਕੰਮ ਕਰਨਾ ਬੰਦ ਕਰ ਦਿੰਦੇ ਹਨ। ਕੁਝ ਨਹੀਂ ਭੇਜਿਆ ਗਿਆ। ਵਾਪਸ ਜਾਓ, "
        "ਪੰਨਾ ਮੁੜ ਲੋਡ ਕਰੋ, ਅਤੇ ਦੁਬਾਰਾ ਕੋਸ਼ਿਸ਼ ਕਰੋ।",
    ],
    "zh_Hans": [
        "快速离开", "快速离开本网站：按下此按钮，或连按两次 Escape 键。", "为受人口贩运影响的人提供帮助", "主菜单", "首页", "获取帮助",
        "查找服务", "报告您的担忧", "了解人口贩运", "培训", "本网站不设置跟踪 Cookie，也不从其他网站加载任何内容。", "合作机构员工登录",
        "您并不孤单", "如果您或他人现在有危险，请拨打 911。",
        "人口贩运是指有人通过暴力、威胁、谎言或债务控制他人，以进行性剥削或劳动剥削。它发生在不列颠哥伦比亚省，受害者包括成年人和年轻人。"
        "无论您的移民身份如何，帮助都是免费和保密的，并提供多种语言服务。",
        "您可以拨打的热线", "现在有危险？请拨打 911。", "您可以随时拨打以下任何一条热线。您不必说出姓名。可提供口译服务。", "拨打电话后会发生什么",
        "一位受过培训的人员会倾听您的讲述，帮助您考虑自身安全，并且——只有在您同意的情况下——为您联系安全住所、医疗、法律援助和移民咨询等服务。"
        "未经您的同意，任何信息都不会告知警方，除非有人生命受到威胁或有儿童需要保护。",
        "跳到主要内容", "此页面尚无您的语言版本。以下为英文版。", "此语言暂无页面。", "实践资料库：其他地区的法律、项目和研究", "此表单已过期",
        "为了您的安全，表单在一段时间后或 Cookie 被阻止时会停止工作。没有发送任何内容。请返回，重新加载页面，然后再试一次。",
    ],
    "zh_Hant": [
        "快速離開", "快速離開本網站：按下此按鈕，或連按兩次 Escape 鍵。", "為受人口販運影響的人提供幫助", "主選單", "首頁", "獲取幫助",
        "查找服務", "報告您的擔憂", "了解人口販運", "培訓", "本網站不設置追蹤 Cookie，也不從其他網站載入任何內容。", "合作機構員工登入",
        "您並不孤單", "如果您或他人現在有危險，請撥打 911。",
        "人口販運是指有人透過暴力、威脅、謊言或債務控制他人，以進行性剝削或勞動剝削。它發生在卑詩省，受害者包括成年人和年輕人。"
        "無論您的移民身分如何，幫助都是免費和保密的，並提供多種語言服務。",
        "您可以撥打的熱線", "現在有危險？請撥打 911。", "您可以隨時撥打以下任何一條熱線。您不必說出姓名。可提供口譯服務。", "撥打電話後會發生什麼",
        "一位受過培訓的人員會傾聽您的講述，幫助您考慮自身安全，並且——只有在您同意的情況下——為您聯繫安全住所、醫療、法律援助和移民諮詢等服務。"
        "未經您的同意，任何資訊都不會告知警方，除非有人生命受到威脅或有兒童需要保護。",
        "跳到主要內容", "此頁面尚無您的語言版本。以下為英文版。", "此語言暫無頁面。", "實踐資料庫：其他地區的法律、計畫和研究", "此表單已過期",
        "為了您的安全，表單在一段時間後或 Cookie 被封鎖時會停止運作。沒有傳送任何內容。請返回，重新載入頁面，然後再試一次。",
    ],
    "tl": [
        "Mabilis na paglabas", "Umalis agad sa site na ito: pindutin ang button, o ang Escape nang dalawang beses.",
        "Tulong para sa mga taong apektado ng human trafficking", "Pangunahin", "Home", "Humingi ng tulong",
        "Maghanap ng serbisyo", "Mag-ulat ng alalahanin", "Alamin ang tungkol sa human trafficking", "Pagsasanay",
        "Walang tracking cookie ang site na ito at wala itong nilo-load mula sa ibang mga site.", "Pag-sign in ng partner staff",
        "Hindi ka nag-iisa", "Kung ikaw o ibang tao ay nasa panganib ngayon, tumawag sa 911.",
        "Ang human trafficking ay kapag kinokontrol ng isang tao ang iba para pagsamantalahan sila para sa sex o "
        "trabaho, sa pamamagitan ng dahas, pananakot, kasinungalingan o utang. Nangyayari ito sa British Columbia, sa "
        "matatanda at sa kabataan. Libre at kumpidensyal ang tulong, sa maraming wika, anuman ang iyong immigration status.",
        "Mga linyang maaari mong tawagan", "Nasa panganib ngayon? Tumawag sa 911.",
        "Maaari mong tawagan ang alinman sa mga linyang ito anumang oras. Hindi mo kailangang ibigay ang iyong pangalan. "
        "May mga interpreter.",
        "Ano ang mangyayari kapag tumawag ka",
        "Isang sinanay na tao ang makikinig, tutulong sa iyong pag-isipan ang iyong kaligtasan, at — kung papayag ka "
        "lamang — ikokonekta ka sa mga serbisyo gaya ng ligtas na matutuluyan, pangangalagang pangkalusugan, legal na "
        "tulong at payo sa imigrasyon. Walang ibinabahagi sa pulis nang walang pahintulot mo, maliban kung may buhay na "
        "nanganganib o may batang kailangang protektahan.",
        "Lumaktaw sa pangunahing nilalaman", "Hindi pa available ang pahinang ito sa iyong wika. Narito ito sa Ingles.",
        "Wala pang pahina sa wikang ito.", "Aklatan ng mga kasanayan: mga batas, programa at pag-aaral mula sa ibang lugar",
        "Nag-expire na ang form na ito",
        "Para sa iyong kaligtasan, humihinto ang mga form pagkalipas ng ilang sandali o kapag naka-block ang cookies. "
        "Walang naipadala. Bumalik, i-reload ang pahina, at subukang muli.",
    ],
    "es": [
        "Salida rápida", "Salga rápido de este sitio: pulse el botón o la tecla Escape dos veces.",
        "Ayuda para las personas afectadas por la trata de personas", "Principal", "Inicio", "Obtener ayuda",
        "Buscar un servicio", "Informar de una preocupación", "Infórmese sobre la trata de personas", "Formación",
        "Este sitio no usa cookies de seguimiento ni carga nada de otros sitios.", "Acceso del personal de organizaciones asociadas",
        "No está solo", "Si usted u otra persona está en peligro ahora, llame al 911.",
        "La trata de personas ocurre cuando alguien controla a otra persona para explotarla sexual o laboralmente, "
        "mediante la fuerza, las amenazas, las mentiras o las deudas. Ocurre en Columbia Británica, a personas adultas y "
        "jóvenes. La ayuda es gratuita y confidencial, en muchos idiomas, sea cual sea su situación migratoria.",
        "Líneas a las que puede llamar", "¿En peligro ahora? Llame al 911.",
        "Puede llamar a cualquiera de estas líneas en cualquier momento. No tiene que dar su nombre. Hay intérpretes disponibles.",
        "Qué pasa cuando llama",
        "Una persona capacitada le escucha, le ayuda a pensar en su seguridad y, solo si usted está de acuerdo, le pone "
        "en contacto con servicios como un lugar seguro donde quedarse, atención médica, asistencia jurídica y "
        "asesoramiento migratorio. No se comparte nada con la policía sin su consentimiento, salvo que una vida esté en "
        "peligro o un niño necesite protección.",
        "Saltar al contenido principal", "Esta página todavía no está disponible en su idioma. Aquí la tiene en inglés.",
        "Todavía no hay páginas en este idioma.", "Biblioteca de prácticas: leyes, programas y estudios de otros lugares",
        "Este formulario ha caducado",
        "Por su seguridad, los formularios dejan de funcionar pasado un tiempo o cuando las cookies están bloqueadas. No "
        "se envió nada. Vuelva atrás, recargue la página e inténtelo de nuevo.",
    ],
    "ko": [
        "빠른 나가기", "이 사이트에서 빨리 나가기: 버튼을 누르거나 Escape 키를 두 번 누르세요.", "인신매매 피해를 입은 분들을 위한 도움",
        "주 메뉴", "홈", "도움 받기", "서비스 찾기", "우려 사항 신고하기", "인신매매에 대해 알아보기", "교육",
        "이 사이트는 추적 쿠키를 사용하지 않으며 다른 사이트에서 아무것도 불러오지 않습니다.", "협력 기관 직원 로그인", "당신은 혼자가 아닙니다",
        "당신이나 다른 사람이 지금 위험에 처해 있다면 911에 전화하세요.",
        "인신매매란 누군가가 폭력, 협박, 거짓말 또는 빚을 이용해 다른 사람을 통제하고 성이나 노동을 위해 착취하는 것입니다. "
        "브리티시컬럼비아주에서도 성인과 청소년에게 일어납니다. 도움은 이민 신분과 관계없이 무료이며 비밀이 보장되고, 여러 언어로 제공됩니다.",
        "전화할 수 있는 상담전화", "지금 위험한가요? 911에 전화하세요.",
        "이 상담전화들은 언제든지 이용할 수 있습니다. 이름을 밝히지 않아도 됩니다. 통역이 제공됩니다.", "전화하면 어떻게 되나요",
        "교육을 받은 상담원이 이야기를 듣고, 안전에 대해 함께 생각하며, 당신이 동의하는 경우에만 안전한 숙소, 의료, 법률 지원, 이민 상담 "
        "같은 서비스와 연결해 드립니다. 생명이 위험하거나 아동 보호가 필요한 경우가 아니면, 동의 없이 경찰에게 어떤 정보도 전달하지 않습니다.",
        "본문으로 건너뛰기", "이 페이지는 아직 해당 언어로 제공되지 않습니다. 영어로 보여 드립니다.", "이 언어로 된 페이지가 아직 없습니다.",
        "실천 사례 자료실: 다른 지역의 법률, 프로그램 및 연구", "이 양식은 만료되었습니다",
        "안전을 위해 양식은 일정 시간이 지나거나 쿠키가 차단되면 작동하지 않습니다. 아무것도 전송되지 않았습니다. 뒤로 돌아가 페이지를 새로 "
        "고친 후 다시 시도하세요.",
    ],
    "vi": [
        "Thoát nhanh", "Rời khỏi trang này thật nhanh: bấm nút này, hoặc bấm phím Escape hai lần.",
        "Trợ giúp cho những người bị ảnh hưởng bởi nạn mua bán người", "Chính", "Trang chủ", "Nhận trợ giúp",
        "Tìm dịch vụ", "Báo cáo mối lo ngại", "Tìm hiểu về nạn mua bán người", "Đào tạo",
        "Trang này không dùng cookie theo dõi và không tải bất cứ thứ gì từ trang khác.", "Nhân viên đối tác đăng nhập",
        "Bạn không đơn độc", "Nếu bạn hoặc người khác đang gặp nguy hiểm, hãy gọi 911.",
        "Mua bán người là khi một người kiểm soát người khác để bóc lột tình dục hoặc sức lao động của họ, bằng vũ lực, đe "
        "dọa, lừa dối hoặc nợ nần. Việc này xảy ra ở British Columbia, với cả người lớn và người trẻ. Sự trợ giúp là miễn "
        "phí và bảo mật, bằng nhiều ngôn ngữ, bất kể tình trạng di trú của bạn.",
        "Các đường dây bạn có thể gọi", "Đang gặp nguy hiểm? Hãy gọi 911.",
        "Bạn có thể gọi bất kỳ đường dây nào dưới đây vào bất cứ lúc nào. Bạn không cần cho biết tên. Có thông dịch viên.",
        "Điều gì xảy ra khi bạn gọi",
        "Một người đã được đào tạo sẽ lắng nghe, giúp bạn suy nghĩ về sự an toàn của mình, và — chỉ khi bạn đồng ý — kết "
        "nối bạn với các dịch vụ như nơi ở an toàn, chăm sóc sức khỏe, trợ giúp pháp lý và tư vấn di trú. Không có thông "
        "tin nào được chia sẻ với cảnh sát nếu bạn không đồng ý, trừ khi có tính mạng bị đe dọa hoặc một trẻ em cần được bảo vệ.",
        "Chuyển đến nội dung chính", "Trang này chưa có bằng ngôn ngữ của bạn. Đây là bản tiếng Anh.",
        "Chưa có trang nào bằng ngôn ngữ này.", "Thư viện thực tiễn: luật, chương trình và nghiên cứu từ nơi khác",
        "Biểu mẫu này đã hết hạn",
        "Vì sự an toàn của bạn, biểu mẫu sẽ ngừng hoạt động sau một thời gian hoặc khi cookie bị chặn. Chưa có gì được "
        "gửi đi. Hãy quay lại, tải lại trang và thử lại.",
    ],
    "fa": [
        "خروج سریع", "سریع از این سایت خارج شوید: دکمه را بزنید یا دو بار کلید Escape را فشار دهید.",
        "کمک برای کسانی که از قاچاق انسان آسیب دیده‌اند", "اصلی", "صفحهٔ اصلی", "کمک بگیرید", "یافتن خدمات",
        "گزارش یک نگرانی", "دربارهٔ قاچاق انسان بیاموزید", "آموزش",
        "این سایت هیچ کوکی ردیابی ندارد و چیزی از سایت‌های دیگر بارگذاری نمی‌کند.", "ورود کارکنان سازمان‌های همکار",
        "شما تنها نیستید", "اگر شما یا شخص دیگری همین حالا در خطر هستید، با ۹۱۱ تماس بگیرید.",
        "قاچاق انسان یعنی کسی با زور، تهدید، دروغ یا بدهی، فرد دیگری را کنترل کند تا از او بهره‌کشی جنسی یا کاری کند. "
        "این اتفاق در بریتیش کلمبیا، برای بزرگسالان و جوانان، رخ می‌دهد. کمک رایگان و محرمانه است، به زبان‌های بسیار، "
        "صرف‌نظر از وضعیت اقامتی شما.",
        "خطوطی که می‌توانید با آن‌ها تماس بگیرید", "همین حالا در خطر هستید؟ با ۹۱۱ تماس بگیرید.",
        "می‌توانید هر زمان با هر یک از این خطوط تماس بگیرید. لازم نیست نام خود را بگویید. مترجم در دسترس است.",
        "وقتی تماس می‌گیرید چه اتفاقی می‌افتد",
        "فردی آموزش‌دیده به حرف‌های شما گوش می‌دهد، به شما کمک می‌کند دربارهٔ امنیت خود فکر کنید و — فقط اگر موافق باشید — "
        "شما را به خدماتی مانند جای امن برای ماندن، مراقبت‌های بهداشتی، کمک حقوقی و مشاورهٔ مهاجرتی وصل می‌کند. هیچ چیز "
        "بدون رضایت شما با پلیس در میان گذاشته نمی‌شود، مگر آنکه جان کسی در خطر باشد یا کودکی به حمایت نیاز داشته باشد.",
        "رفتن به محتوای اصلی", "این صفحه هنوز به زبان شما در دسترس نیست. نسخهٔ انگلیسی آن را می‌بینید.",
        "هنوز صفحه‌ای به این زبان وجود ندارد.", "کتابخانهٔ تجربه‌ها: قوانین، برنامه‌ها و پژوهش‌های جاهای دیگر",
        "مهلت این فرم به پایان رسیده است",
        "برای امنیت شما، فرم‌ها پس از مدتی یا وقتی کوکی‌ها مسدود باشند کار نمی‌کنند. چیزی ارسال نشد. به عقب برگردید، "
        "صفحه را دوباره بارگذاری کنید و دوباره امتحان کنید.",
    ],
    "ar": [
        "خروج سريع", "غادر هذا الموقع بسرعة: اضغط الزر، أو اضغط مفتاح Escape مرتين.",
        "مساعدة للأشخاص المتأثرين بالاتجار بالبشر", "الرئيسية", "الصفحة الرئيسية", "احصل على المساعدة", "ابحث عن خدمة",
        "أبلغ عن مخاوف", "تعرّف على الاتجار بالبشر", "التدريب",
        "لا يستخدم هذا الموقع ملفات تعريف ارتباط للتتبع ولا يحمّل أي شيء من مواقع أخرى.", "تسجيل دخول موظفي الجهات الشريكة",
        "أنت لست وحدك", "إذا كنت أنت أو شخص آخر في خطر الآن، اتصل بالرقم 911.",
        "الاتجار بالبشر هو أن يسيطر شخص على شخص آخر لاستغلاله جنسيًا أو في العمل، عن طريق القوة أو التهديد أو الكذب أو "
        "الديون. يحدث ذلك في مقاطعة بريتش كولومبيا، للبالغين والشباب. المساعدة مجانية وسرية، وبلغات كثيرة، أيًا كان وضعك "
        "في الهجرة.",
        "خطوط يمكنك الاتصال بها", "في خطر الآن؟ اتصل بالرقم 911.",
        "يمكنك الاتصال بأي من هذه الخطوط في أي وقت. لست مضطرًا لذكر اسمك. تتوفر خدمة الترجمة الفورية.",
        "ماذا يحدث عندما تتصل",
        "يستمع إليك شخص مدرَّب، ويساعدك على التفكير في سلامتك، ولا يربطك — إلا بموافقتك — بخدمات مثل مكان آمن للإقامة "
        "والرعاية الصحية والمساعدة القانونية والاستشارة في شؤون الهجرة. لا تتم مشاركة أي شيء مع الشرطة دون موافقتك، إلا "
        "إذا كانت حياة أحد في خطر أو كان طفل بحاجة إلى الحماية.",
        "انتقل إلى المحتوى الرئيسي", "هذه الصفحة غير متوفرة بلغتك بعد. إليك النسخة الإنجليزية.", "لا توجد صفحات بهذه اللغة بعد.",
        "مكتبة الممارسات: قوانين وبرامج ودراسات من أماكن أخرى", "انتهت صلاحية هذا النموذج",
        "حفاظًا على سلامتك، تتوقف النماذج عن العمل بعد فترة أو عند حظر ملفات تعريف الارتباط. لم يُرسل أي شيء. ارجع، وأعد "
        "تحميل الصفحة، ثم حاول مرة أخرى.",
    ],
}

PLURAL = {"pa": "nplurals=2; plural=(n != 1);", "zh_Hans": "nplurals=1; plural=0;", "zh_Hant": "nplurals=1; plural=0;",
          "tl": "nplurals=2; plural=(n > 1);", "es": "nplurals=2; plural=(n != 1);", "ko": "nplurals=1; plural=0;",
          "vi": "nplurals=1; plural=0;", "fa": "nplurals=2; plural=(n > 1);",
          "ar": "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;"}


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_catalogs(root: Path | None = None) -> list[Path]:
    root = root or Path(__file__).parent / "locale"
    written = []
    for language, strings in T.items():
        assert len(strings) == len(MSGIDS), language
        folder = root / language / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        lines = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"',
                 f'"Language: {language}\\n"', f'"Plural-Forms: {PLURAL[language]}\\n"', ""]
        for msgid, msgstr in zip(MSGIDS, strings, strict=True):
            lines += [f"msgid {_quote(msgid)}", f"msgstr {_quote(msgstr)}", ""]
        path = folder / "django.po"
        path.write_text("\n".join(lines), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_catalogs():
        print(written_path)
