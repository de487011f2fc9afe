use super::super::NoticeMsg;

pub(in super::super) fn text(msg: NoticeMsg) -> &'static str {
    match msg {
        NoticeMsg::Title => "Informacja o przetwarzaniu danych osobowych",
        NoticeMsg::Intro => "Wyjaśniamy tu, co {organisation} robi z danymi osobowymi podanymi w zgłoszeniu i o co możesz nas poprosić.",
        NoticeMsg::Version => "Wersja {version}",
        NoticeMsg::VersionDated => "Wersja {version}, {date}",
        NoticeMsg::WhoTitle => "Kto odpowiada za Twoje dane",
        NoticeMsg::Controller => "Administratorem Twoich danych jest {name}. Kontakt: {contact}.",
        NoticeMsg::Dpo => "Inspektor ochrony danych: {contact}.",
        NoticeMsg::WhatTitle => "Jakie dane zbieramy",
        NoticeMsg::WhatList => "Imię i nazwisko, adres e-mail lub numer telefonu oraz preferowany sposób kontaktu; opis sprawy, odpowiedzi na nasze pytania i oczekiwane rozwiązanie; dodane zdjęcia i dokumenty; a później także Twoje wiadomości i ocenę rozpatrzenia zgłoszenia.",
        NoticeMsg::WhatNothingElse => "Nie prosimy o nic więcej i nie wykorzystujemy Twoich danych do marketingu.",
        NoticeMsg::WhyTitle => "W jakim celu i na jakiej podstawie",
        NoticeMsg::WhyPurpose => "Aby rozpatrzyć zgłoszenie, odpowiedzieć Ci i prowadzić rejestr zgłoszeń, którego wymaga od nas prawo. Podstawa prawna dla poszczególnych rodzajów zgłoszeń:",
        NoticeMsg::MayCallBasis => "Jeśli zaznaczysz zgodę na telefon, dzwonimy wyłącznie na jej podstawie; możesz ją w każdej chwili wycofać, a jej brak nie ma wpływu na rozpatrzenie zgłoszenia (art. 6 ust. 1 lit. a RODO; koreańska ustawa PIPA, art. 15 ust. 1 pkt 1).",
        NoticeMsg::KeepTitle => "Jak długo przechowujemy dane",
        NoticeMsg::KeepAfter => "Po tym czasie usuwamy Twoje dane, opis sprawy, pliki i naszą korespondencję z Tobą, a zostawiamy tylko zestawienia, z których nie da się Cię rozpoznać: rodzaj zgłoszenia, daty i decyzję.",
        NoticeMsg::SeeTitle => "Kto ma dostęp do danych",
        NoticeMsg::NoTransfers => "Nie przekazujemy Twoich danych do innych państw.",
        NoticeMsg::Transfers => "Twoje dane są przekazywane za granicę w następujących przypadkach: {transfers}.",
        NoticeMsg::RightsTitle => "Twoje prawa",
        NoticeMsg::Rights => "Masz prawo dostępu do swoich danych i otrzymania ich kopii, ich sprostowania, usunięcia lub ograniczenia przetwarzania, a także prawo wniesienia sprzeciwu. Napisz do nas: {contact}. Odpowiadamy w ciągu miesiąca.",
        NoticeMsg::Authority => "Możesz też złożyć skargę do organu nadzorczego: w Polsce do Prezesa Urzędu Ochrony Danych Osobowych (UODO), w innym państwie UE do tamtejszego organu, w Wielkiej Brytanii do ICO, w Korei do Komisji Ochrony Danych Osobowych (PIPC).",
        NoticeMsg::RefuseTitle => "Jeśli nie chcesz podawać danych",
        NoticeMsg::DeviceTitle => "Na Twoim urządzeniu",
        NoticeMsg::Device => "Formularz przechowuje niewysłane odpowiedzi tylko na Twoim urządzeniu, nigdy na naszych serwerach, żeby można było do nich wrócić. Wszystko, co formularz tam zapisał, usuniesz przyciskiem „{button}” pod formularzem.",
        NoticeMsg::BackLink => "Wróć do formularza zgłoszenia",
    }
}
