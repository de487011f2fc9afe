use super::super::NoticeMsg;

pub(in super::super) fn text(msg: NoticeMsg) -> &'static str {
    match msg {
        NoticeMsg::Title => "Privacy notice",
        NoticeMsg::Intro => "This notice explains what {organisation} does with the personal details you give when you make a complaint, and what you can ask of us.",
        NoticeMsg::Version => "Version {version}",
        NoticeMsg::VersionDated => "Version {version}, {date}",
        NoticeMsg::WhoTitle => "Who is responsible for your details",
        NoticeMsg::Controller => "{name} decides how your details are used (the controller). You can reach us at {contact}.",
        NoticeMsg::Dpo => "Our data protection officer: {contact}.",
        NoticeMsg::WhatTitle => "What we collect",
        NoticeMsg::WhatList => "Your name, your email address or phone number and how you would like us to reach you; what happened, your answers to our questions and what you would like us to do; the photos and documents you add; and later, your messages and your rating of how we handled it.",
        NoticeMsg::WhatNothingElse => "We ask for nothing else, and we do not use your details for marketing.",
        NoticeMsg::WhyTitle => "Why we use them, and on what basis",
        NoticeMsg::WhyPurpose => "To look into your complaint, to reply to you and to keep the records of complaints that the law requires. The legal basis for each kind of complaint:",
        NoticeMsg::MayCallBasis => "If you tick “You may also call me”, we call you only because you agreed, and you can withdraw that at any time; it makes no difference to how we handle your complaint (GDPR art. 6(1)(a); PIPA art. 15(1)(1)).",
        NoticeMsg::KeepTitle => "How long we keep them",
        NoticeMsg::KeepAfter => "After that we delete your details, your description, the files and our messages with you, and keep only figures that say nothing about you: the kind of complaint, its dates and what we decided.",
        NoticeMsg::SeeTitle => "Who sees them",
        NoticeMsg::NoTransfers => "We do not send your details to other countries.",
        NoticeMsg::Transfers => "Your details are sent outside the country in these cases: {transfers}.",
        NoticeMsg::RightsTitle => "Your rights",
        NoticeMsg::Rights => "You can ask us to show you your details and give you a copy, to correct them, to delete them, or to limit how we use them, and you can object to how we use them. Write to {contact}. We answer within one month (within 10 days under Korean law).",
        NoticeMsg::Authority => "You can also complain to a data protection authority: in the UK the Information Commissioner's Office, in the EU the authority of your country (in Poland, the President of the Personal Data Protection Office, UODO), in Korea the Personal Information Protection Commission.",
        NoticeMsg::RefuseTitle => "If you would rather not give them",
        NoticeMsg::DeviceTitle => "On your device",
        NoticeMsg::Device => "The form keeps your unsent answers on your own device, never on our servers, so you can come back to them. You can remove everything it keeps there with “{button}”, at the foot of the form.",
        NoticeMsg::BackLink => "Back to the complaint form",
    }
}
