use super::{Counted, Forms, Msg};

pub(super) fn text(msg: Msg) -> &'static str {
    match msg {
        Msg::SiteName => "Biuro reklamacji",
        Msg::SkipToContent => "Przejdź do treści",
        Msg::MainNavigation => "Menu główne",
        Msg::NavFile => "Złóż reklamację",
        Msg::NavTrack => "Sprawdź status",
        Msg::Language => "Język",
        Msg::Loading => "Wczytywanie…",
        Msg::StepProgress => "Krok {current} z {total}",
        Msg::Back => "Wstecz",
        Msg::Continue => "Dalej",
        Msg::ErrorSummaryTitle => "Wystąpił problem",
        Msg::ErrorPrefix => "Błąd:",
        Msg::CategoryQuestion => "Czego dotyczy Twoja reklamacja?",
        Msg::CategoryHint => "Wybierz najlepiej pasującą opcję. Możesz ją zmienić przed wysłaniem.",
        Msg::CategoryRequired => "Wybierz, czego dotyczy reklamacja",
        Msg::CategoryChosen => "Wybrano: {category}",
        Msg::StepNotReady => "Kolejne pytania nie są jeszcze gotowe. Twoja odpowiedź została zachowana.",
        Msg::LoadFailedTitle => "Przepraszamy, formularz reklamacji nie może się teraz otworzyć",
        Msg::LoadFailedMissing => "Nie znaleziono ustawień organizacji dla tego formularza.",
        Msg::LoadFailedMalformed => "Nie udało się odczytać ustawień organizacji dla tego formularza.",
        Msg::LoadFailedNetwork => "Nie udało się połączyć z serwerem. Sprawdź połączenie z internetem.",
        Msg::LoadFailedServer => "Serwer napotkał problem podczas odpowiedzi.",
        Msg::LoadFailedAdvice => "Nic, co wpisano, nie zostało utracone. Spróbuj ponownie za kilka minut.",
        Msg::TryAgain => "Spróbuj ponownie",
        Msg::TechnicalDetails => "Szczegóły techniczne",
        Msg::CrashTitle => "Coś poszło nie tak",
        Msg::CrashBody => "Twój szkic jest bezpiecznie zapisany na tym urządzeniu. Odśwież stronę, aby kontynuować.",
        Msg::CrashReload => "Odśwież stronę",
        Msg::NotFoundTitle => "Nie znaleziono strony",
        Msg::NotFoundBody => "Jeśli adres został wpisany ręcznie, sprawdź, czy jest poprawny.",
        Msg::NotFoundLink => "Przejdź do formularza reklamacji",
        Msg::TrackTitle => "Sprawdź status reklamacji",
        Msg::TrackIntro => "Wpisz numer z potwierdzenia oraz podany nam adres e-mail lub PIN.",
        Msg::ReferenceLabel => "Numer reklamacji",
        Msg::ReferenceHint => "Na przykład CMP-7K4Q-2M9X",
        Msg::VerifierLabel => "Adres e-mail lub PIN",
        Msg::VerifierHint => "Pytamy o to, aby nikt inny nie mógł odczytać Twojej reklamacji.",
        Msg::FindComplaint => "Znajdź moją reklamację",
        Msg::ReferenceRequired => "Wpisz numer reklamacji",
        Msg::VerifierRequired => "Wpisz podany nam adres e-mail lub PIN",
        Msg::TrackUnavailable => "Sprawdzanie statusu online nie jest jeszcze dostępne. Skontaktuj się z nami, korzystając z danych z potwierdzenia.",
    }
}

pub(super) fn counted(msg: Counted) -> Forms {
    match msg {
        Counted::Photos => Forms {
            one: Some("{n} zdjęcie"),
            few: Some("{n} zdjęcia"),
            many: Some("{n} zdjęć"),
            other: "{n} zdjęcia",
        },
        Counted::CharactersLeft => Forms {
            one: Some("Pozostał {n} znak"),
            few: Some("Pozostały {n} znaki"),
            many: Some("Pozostało {n} znaków"),
            other: "Pozostało {n} znaku",
        },
    }
}
