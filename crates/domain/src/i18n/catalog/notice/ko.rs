use super::super::NoticeMsg;

pub(in super::super) fn text(msg: NoticeMsg) -> &'static str {
    match msg {
        NoticeMsg::Title => "개인정보 처리방침",
        NoticeMsg::Intro => "이 방침은 불만을 접수하실 때 알려 주신 개인정보를 {organisation}에서 어떻게 처리하는지, 그리고 고객님이 요청하실 수 있는 사항을 안내합니다.",
        NoticeMsg::Version => "버전 {version}",
        NoticeMsg::VersionDated => "버전 {version}, {date}",
        NoticeMsg::WhoTitle => "개인정보 처리 책임",
        NoticeMsg::Controller => "고객님의 개인정보 처리에 관한 책임은 {name}에 있습니다(개인정보처리자). 문의: {contact}",
        NoticeMsg::Dpo => "개인정보 보호책임자: {contact}",
        NoticeMsg::WhatTitle => "처리하는 개인정보 항목",
        NoticeMsg::WhatList => "성함, 이메일 주소 또는 전화번호와 원하시는 연락 방법, 있었던 일과 질문에 대한 답변, 원하시는 처리 방법, 첨부하신 사진과 서류, 그리고 이후에 남기시는 메시지와 처리 만족도 평가입니다.",
        NoticeMsg::WhatNothingElse => "그 밖의 정보는 요청하지 않으며, 개인정보를 마케팅에 이용하지 않습니다.",
        NoticeMsg::WhyTitle => "처리 목적과 법적 근거",
        NoticeMsg::WhyPurpose => "접수 건을 확인하고 회신하며, 법령에서 정한 접수 및 처리 기록을 남기기 위해 처리합니다. 접수 유형별 법적 근거는 다음과 같습니다.",
        NoticeMsg::MayCallBasis => "'이 번호로 전화 연락을 받는 데 동의합니다'에 체크하신 경우에만 동의에 근거하여 전화드리며, 이 동의는 언제든지 철회하실 수 있습니다. 동의하지 않으셔도 접수 건 처리에는 아무런 영향이 없습니다(개인정보 보호법 제15조제1항제1호, GDPR 제6조제1항(a)).",
        NoticeMsg::KeepTitle => "보유 및 이용 기간",
        NoticeMsg::KeepAfter => "보유 기간이 지나면 개인정보, 접수 내용, 첨부 파일과 주고받은 메시지를 삭제하고, 개인을 알아볼 수 없는 통계(접수 유형, 날짜, 처리 결과)만 남깁니다.",
        NoticeMsg::SeeTitle => "개인정보를 볼 수 있는 곳",
        NoticeMsg::NoTransfers => "개인정보를 국외로 이전하지 않습니다.",
        NoticeMsg::Transfers => "다음의 경우 개인정보가 국외로 이전됩니다: {transfers}.",
        NoticeMsg::RightsTitle => "정보주체의 권리",
        NoticeMsg::Rights => "고객님은 언제든지 개인정보의 열람과 사본 제공, 정정, 삭제, 처리 정지를 요청하실 수 있으며, 처리에 반대하실 수도 있습니다. 요청을 받으면 10일 이내에 답변드립니다(GDPR이 적용되는 경우 1개월 이내). 요청하실 곳: {contact}",
        NoticeMsg::Authority => "개인정보 침해에 대해서는 개인정보보호위원회에 신고하거나 상담하실 수 있습니다. 유럽연합이나 영국에 계신 경우 해당 국가의 개인정보 보호 감독기관에 신고하실 수 있습니다.",
        NoticeMsg::RefuseTitle => "개인정보 제공을 원하지 않으시는 경우",
        NoticeMsg::DeviceTitle => "고객님의 기기에 저장되는 정보",
        NoticeMsg::Device => "작성 중인 내용은 저희 서버가 아니라 고객님의 기기에만 저장되어, 나중에 이어서 작성하실 수 있습니다. 양식 아래의 '{button}' 버튼으로 언제든지 모두 지우실 수 있습니다.",
        NoticeMsg::BackLink => "접수 양식으로 돌아가기",
    }
}
