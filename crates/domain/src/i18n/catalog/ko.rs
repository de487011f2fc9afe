use super::{Counted, Forms, Msg};

pub(super) fn text(msg: Msg) -> &'static str {
    match msg {
        Msg::SiteName => "불만 접수 창구",
        Msg::SkipToContent => "본문으로 건너뛰기",
        Msg::MainNavigation => "주 메뉴",
        Msg::NavFile => "불만 접수하기",
        Msg::NavTrack => "처리 현황 확인",
        Msg::Language => "언어",
        Msg::Loading => "불러오는 중…",
        Msg::StepProgress => "{total}단계 중 {current}단계",
        Msg::Back => "뒤로",
        Msg::Continue => "계속",
        Msg::ErrorSummaryTitle => "확인이 필요한 항목이 있습니다",
        Msg::ErrorPrefix => "오류:",
        Msg::CategoryQuestion => "어떤 문제로 불만을 접수하시나요?",
        Msg::CategoryHint => "가장 잘 맞는 항목을 선택하세요. 보내기 전에 바꿀 수 있습니다.",
        Msg::CategoryRequired => "불만 유형을 선택하세요",
        Msg::CategoryChosen => "선택한 항목: {category}",
        Msg::StepNotReady => "다음 질문은 아직 준비 중입니다. 입력하신 답은 보관되었습니다.",
        Msg::LoadFailedTitle => "죄송합니다. 지금은 불만 접수 양식을 열 수 없습니다",
        Msg::LoadFailedMissing => "이 양식에 필요한 기관 설정을 찾을 수 없습니다.",
        Msg::LoadFailedMalformed => "이 양식에 필요한 기관 설정을 읽을 수 없습니다.",
        Msg::LoadFailedNetwork => "서버에 연결할 수 없습니다. 인터넷 연결을 확인하세요.",
        Msg::LoadFailedServer => "서버가 응답하는 중에 문제가 생겼습니다.",
        Msg::LoadFailedAdvice => "입력하신 내용은 사라지지 않았습니다. 잠시 후 다시 시도하세요.",
        Msg::TryAgain => "다시 시도",
        Msg::TechnicalDetails => "기술 정보",
        Msg::CrashTitle => "문제가 발생했습니다",
        Msg::CrashBody => "작성 중인 내용은 이 기기에 안전하게 보관되어 있습니다. 페이지를 새로 고치면 이어서 작성할 수 있습니다.",
        Msg::CrashReload => "페이지 새로 고침",
        Msg::NotFoundTitle => "페이지를 찾을 수 없습니다",
        Msg::NotFoundBody => "주소를 직접 입력하셨다면 올바른지 확인하세요.",
        Msg::NotFoundLink => "불만 접수 양식으로 가기",
        Msg::TrackTitle => "불만 처리 현황 확인",
        Msg::TrackIntro => "접수 확인서에 있는 접수 번호와 알려 주신 이메일 주소 또는 PIN을 입력하세요.",
        Msg::ReferenceLabel => "접수 번호",
        Msg::ReferenceHint => "예: CMP-7K4Q-2M9X",
        Msg::VerifierLabel => "이메일 주소 또는 PIN",
        Msg::VerifierHint => "다른 사람이 내 불만 내용을 볼 수 없도록 확인하는 절차입니다.",
        Msg::FindComplaint => "내 불만 찾기",
        Msg::ReferenceRequired => "접수 번호를 입력하세요",
        Msg::VerifierRequired => "알려 주신 이메일 주소 또는 PIN을 입력하세요",
        Msg::TrackUnavailable => "온라인 현황 확인은 아직 열리지 않았습니다. 접수 확인서의 연락처로 문의하세요.",
    }
}

pub(super) fn counted(msg: Counted) -> Forms {
    match msg {
        Counted::Photos => Forms {
            one: None,
            few: None,
            many: None,
            other: "사진 {n}장",
        },
        Counted::CharactersLeft => Forms {
            one: None,
            few: None,
            many: None,
            other: "{n}자 남음",
        },
    }
}
