use super::{Counted, Forms, Msg};

pub(super) fn text(msg: Msg) -> &'static str {
    match msg {
        Msg::SiteName => "Complaint desk",
        Msg::SkipToContent => "Skip to main content",
        Msg::MainNavigation => "Main",
        Msg::NavFile => "Make a complaint",
        Msg::NavTrack => "Track a complaint",
        Msg::Language => "Language",
        Msg::Loading => "Loading…",
        Msg::StepProgress => "Step {current} of {total}",
        Msg::Back => "Back",
        Msg::Continue => "Continue",
        Msg::ErrorSummaryTitle => "There is a problem",
        Msg::ErrorPrefix => "Error:",
        Msg::CategoryQuestion => "What is your complaint about?",
        Msg::CategoryHint => "Choose the option that fits best. You can change it before you send.",
        Msg::CategoryRequired => "Select what your complaint is about",
        Msg::CategoryChosen => "You chose: {category}",
        Msg::StepNotReady => "The next questions are not ready yet. Your answer has been kept.",
        Msg::LoadFailedTitle => "Sorry, the complaint form cannot open right now",
        Msg::LoadFailedMissing => "The organisation's settings for this form could not be found.",
        Msg::LoadFailedMalformed => "The organisation's settings for this form could not be read.",
        Msg::LoadFailedNetwork => "We could not reach the server. Check your connection.",
        Msg::LoadFailedServer => "The server had a problem answering.",
        Msg::LoadFailedAdvice => "Nothing you typed has been lost. Try again in a few minutes.",
        Msg::TryAgain => "Try again",
        Msg::TechnicalDetails => "Technical details",
        Msg::CrashTitle => "Something went wrong",
        Msg::CrashBody => {
            "Your draft is safe on this device. Reload the page to carry on where you left off."
        }
        Msg::CrashReload => "Reload the page",
        Msg::NotFoundTitle => "Page not found",
        Msg::NotFoundBody => "If you typed the web address, check it is correct.",
        Msg::NotFoundLink => "Go to the complaint form",
        Msg::TrackTitle => "Track your complaint",
        Msg::TrackIntro => {
            "Enter the reference from your confirmation and the email address or PIN you gave us."
        }
        Msg::ReferenceLabel => "Complaint reference",
        Msg::ReferenceHint => "For example, CMP-7K4Q-2M9X",
        Msg::VerifierLabel => "Email address or PIN",
        Msg::VerifierHint => "We ask for this so that nobody else can read your complaint.",
        Msg::FindComplaint => "Find my complaint",
        Msg::ReferenceRequired => "Enter your complaint reference",
        Msg::VerifierRequired => "Enter the email address or PIN you gave us",
        Msg::TrackUnavailable => {
            "Online tracking is not open yet. Contact us using the details on your confirmation."
        }
    }
}

pub(super) fn counted(msg: Counted) -> Forms {
    match msg {
        Counted::Photos => Forms {
            one: Some("{n} photo"),
            few: None,
            many: None,
            other: "{n} photos",
        },
        Counted::CharactersLeft => Forms {
            one: Some("You have {n} character remaining"),
            few: None,
            many: None,
            other: "You have {n} characters remaining",
        },
    }
}
