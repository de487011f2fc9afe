//! Every user-facing string. One file per language; each is an exhaustive `match`, so a message added here
//! does not compile until every language has it.

use super::{Locale, PluralCategory};

mod en;
mod ko;
mod notice;
mod pl;
#[cfg(test)]
mod sentence_rules;

macro_rules! keys {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($key:ident),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name { $($key),* }

        impl $name {
            /// Every key, for completeness checks.
            pub const ALL: &'static [$name] = &[$($name::$key),*];
        }
    };
}

keys! {
    /// A plain message. `{name}` marks a placeholder filled by [`super::format`].
    pub enum Msg {
        SiteName,
        SkipToContent,
        MainNavigation,
        NavFile,
        NavTrack,
        Language,
        Loading,
        StepProgress,
        Back,
        Continue,
        ErrorSummaryTitle,
        ErrorPrefix,
        CategoryQuestion,
        CategoryHint,
        CategoryNotOffered,
        CategoryRequired,
        LoadFailedTitle,
        LoadFailedMissing,
        LoadFailedMalformed,
        LoadFailedNetwork,
        LoadFailedServer,
        LoadFailedAdvice,
        TryAgain,
        CrashTitle,
        CrashBody,
        CrashReload,
        NotFoundTitle,
        NotFoundBody,
        NotFoundLink,
        TrackTitle,
        TrackIntro,
        ReferenceLabel,
        ReferenceHint,
        VerifierLabel,
        VerifierHint,
        FindComplaint,
        ReferenceRequired,
        VerifierRequired,
        LookingUp,
        StatusNotFound,
        StatusErased,
        StatusUnreadable,
        StatusUnreachable,
        ShowingSavedStatus,
        StatusTitle,
        StatusNow,
        LastUpdated,
        ProgressTitle,
        NextStepTitle,
        ExpectedBy,
        DueToday,
        DatePassed,
        DateSetByUs,
        OverdueTitle,
        OverdueBody,
        OverdueEscalate,
        DecisionTitle,
        DecisionUpheld,
        DecisionPartlyUpheld,
        DecisionNotUpheld,
        StageReceived,
        StageAcknowledged,
        StageAssessing,
        StageInvestigating,
        StageResponded,
        StageClosed,
        StageReopened,
        StepDone,
        StepCurrent,
        StepUpcoming,
        LastKnownStatus,
        DeleteDraft,
        MyComplaintsTitle,
        SentOn,
        TrackThis,
        StaleTitle,
        StaleBody,
        StaleReload,
        ClearDevice,
        ClearDeviceConfirm,
        ClearedDevice,
        FooterPrivacy,
        QueuedTitle,
        QueuedBody,
        TryNow,
        ResumeTitle,
        ResumeBody,
        ResumeContinue,
        ResumeStartNew,
        StorageUnavailable,
        SavedOnDevice,
        CommonAnswersTitle,
        CommonAnswersIntro,
        CommonAnswersNone,
        SolvedIt,
        ContinueComplaint,
        GladItHelpedTitle,
        GladItHelpedBody,
        ComplainAnyway,
        WhatHappenedTitle,
        DescriptionLabel,
        DescriptionHint,
        HappenedOnLabel,
        HappenedOnHint,
        DescriptionRequired,
        HappenedOnRequired,
        DateInvalid,
        DateInFuture,
        AnswerRequired,
        OutcomeTitle,
        OutcomeRefund,
        OutcomeReplacement,
        OutcomeRepair,
        OutcomePriceReduction,
        OutcomeApology,
        OutcomeExplanation,
        OutcomeOther,
        OutcomeOtherLabel,
        OutcomeRequired,
        OutcomeOtherRequired,
        EvidenceTitle,
        EvidenceLimits,
        AddFiles,
        TakePhoto,
        RemoveFile,
        FileNotAccepted,
        FileTwice,
        FileTooLarge,
        FileUnreadable,
        NoFilesYet,
        PreparingFile,
        ContactTitle,
        ResidenceQuestion,
        ResidenceHint,
        ResidenceElsewhere,
        ResidenceRequired,
        RowResidence,
        ChangeResidence,
        NameLabel,
        EmailLabel,
        EmailHint,
        PhoneLabel,
        PhoneHint,
        PreferredLegend,
        ChannelEmail,
        ChannelPhone,
        // privacy: the short notice on the contact step (crate::privacy::short_notice)
        NoticeTitle,
        NoticeWhat,
        NoticeBasisContract,
        NoticeBasisLegalObligation,
        NoticeBasisLegitimateInterest,
        NoticeWho,
        NoticeAlsoShared,
        NoticeRights,
        NoticeRefuse,
        MayCallLabel,
        PrivacyLink,
        HoneypotLabel,
        NameRequired,
        ContactRequired,
        EmailInvalid,
        PhoneInvalid,
        PreferredRequired,
        PreferredEmailMissing,
        PreferredPhoneMissing,
        CheckTitle,
        Change,
        RowCategory,
        RowDescription,
        RowHappenedOn,
        RowOutcome,
        RowEvidence,
        RowName,
        RowEmail,
        RowPhone,
        RowPreferred,
        NotGiven,
        SendTitle,
        SendBody,
        Send,
        Sending,
        RepliesTitle,
        MessagesTitle,
        ReplyInformation,
        ReplyResolved,
        ReplyNotSatisfied,
        ReplyRating,
        MergedInto,
        // tracker: "Your data", a copy and erasure (issue #25)
        YourDataTitle,
        YourDataIntro,
        YourDataDownload,
        YourDataPreparing,
        YourDataDownloadFailed,
        YourDataErase,
        YourDataEraseExplain,
        YourDataEraseSend,
        ErasureAsked,
        ErasureDone,
        ErasureRefused,
        SendingProgress,
        SendingSlow,
        RefusedElsewhereTitle,
        RefusedElsewhereBody,
        OpenRefused,
        SendRejectedTitle,
        SendRejectedBody,
        SendFailedTitle,
        SendFailedBody,
        ConfirmationTitle,
        YourReference,
        YourPin,
        WhatHappensNext,
        AcknowledgeBy,
        DecideBy,
        TrackIt,
        TrackHint,
        ContactUs,
        PrintReceipt,
        DownloadReceipt,
        ReceiptTitle,
        Received,
        FileAnother,
        FileNoRoom,
        FileNotKept,
        DeviceFull,
        // conversation: the customer's replies from the tracker
        RepliesActionsTitle,
        AddInformation,
        InformationLabel,
        InformationHint,
        SendInformation,
        ResolvedQuestion,
        ResolvedYes,
        NotSatisfiedNo,
        ConfirmResolvedTitle,
        ConfirmResolvedBody,
        ConfirmResolved,
        ReasonLabel,
        ReasonHint,
        ConfirmNotSatisfiedTitle,
        ConfirmNotSatisfiedBody,
        ConfirmNotSatisfied,
        ReplyCancel,
        RateTitle,
        RateHint,
        StarsOutOfFive,
        RatingCommentLabel,
        SendRating,
        RateButton,
        RatingChangeUntil,
        ReplyDelivered,
        ReplyQueued,
        ReplyBusy,
        ReplyClosedRefused,
        ReplyMovedOn,
        ReplyRatingFinal,
        ReplyNotAccepted,
        ReplyEmpty,
        ReplyNoReason,
        ReplyNoStars,
        EscalationTitle,
        EscalationNewDecision,
        EscalationTo,
        EscalationContact,
        ReopenPassed,
        ReopenPassedEscalate,
        // insights (#14): the page "How we handle complaints"
        InsightsTitle,
        InsightsIntro,
        InsightsPromisesTitle,
        InsightsReceivedTitle,
        InsightsOnTimeTitle,
        InsightsOnTimeNote,
        InsightsCausesTitle,
        InsightsSatisfactionTitle,
        InsightsOverdueTitle,
        InsightsOverdueNone,
        InsightsShowTable,
        InsightsShowChart,
        InsightsWeek,
        InsightsCategory,
        InsightsAllCategories,
        InsightsFewerThan5,
        InsightsHidden,
        InsightsCause,
        InsightsLast4,
        InsightsLast13,
        InsightsTrend,
        InsightsTrendRising,
        InsightsTrendFalling,
        InsightsTrendSteady,
        InsightsTrendUnknown,
        InsightsOnTimeShare,
        InsightsRatingAverage,
        InsightsRatingCount,
        InsightsCount,
        WeekLabel,
        WeekLabelWithYear,
        InsightsDropped,
        InsightsUnavailable,
        InsightsUpdated,
        InsightsEmpty,
        InsightsLink,
        InsightsAcknowledge,
        InsightsDecide,
        RuleForCountries,
        InsightsDaysMedian,
        InsightsDaysP90,
        // words: one-phrase Change names, refusals by code, the organisation's zone, an unknown language
        ChangeCategory,
        ChangeDescription,
        ChangeHappenedOn,
        ChangeOutcome,
        ChangeEvidence,
        ChangeName,
        ChangeEmail,
        ChangePhone,
        ChangePreferred,
        ChangeQuestion,
        RefusedTooLarge,
        RefusedKeyReused,
        RefusedOrigin,
        RefusedInvalid,
        RefusedTechnical,
        InOrgZone,
        LanguageNotOffered,
        FileSize,
        RemoveNamed,
        ShownInEnglish,
        ShownInKorean,
        ShownInPolish,
        WidgetLanguageNotOffered,
        // speed: the static shell (a first step before the Wasm, other ways to complain)
        ShellWaiting,
        OtherWays,
        NoScript,
        ContactEmail,
        ContactPhone,
        // heading: one h1 a step, the organisation's currencies
        AmountExample,
        // words (session 6): a draft's first words quoted as each language quotes
        FirstWords,
        FirstWordsCut,
    }
}

keys! {
    /// Words only the intake service writes: the customer's mails about their complaint, the organisation's
    /// copy, and its reading of a complaint (`show`, the inbox mail). A catalogue of their own because a
    /// language's `Msg` `match` links every one of its strings into both browser modules, which never show
    /// these (issue #12: 36 keys, three languages). The same checks as `Msg` (tests below,
    /// `scripts/check-strings`).
    pub enum IntakeMsg {
        // the customer's mail when their complaint moves (in the customer's language)
        MailSubject,
        MailChanged,
        MailMessage,
        MailNext,
        MailLink,
        MailFooter,
        // mail: the organisation's copy, files left out over the size cap (in the organisation's language)
        MailFilesLeftOut,
        MailFilesSave,
        MailOrgNewComplaint,
        MailOrgInformation,
        MailOrgResolved,
        MailOrgNotSatisfied,
        MailOrgRated,
        MailFilesRefused,
        MailFilesSentBefore,
        MailNewReplies,
        MailWholeComplaint,
        // mail: a customer asked for their data to be erased (issue #25), in the organisation's language
        MailOrgErasure,
        MailOrgErasureBody,
        // an erasure asked while the complaint is on legal hold: the refusal the customer reads, in their language
        ErasureHeldReason,
        // lead: the organisation's reading of a complaint (show, and the inbox mail), in its language
        DossierReference,
        DossierReceived,
        DossierLanguage,
        DossierStage,
        DossierQuarantine,
        DossierStatusFile,
        DossierFileBytes,
        DossierFileFromReply,
        DossierStages,
        DossierNextStep,
        DossierDateByHand,
        DossierStepAcknowledge,
        DossierStepDecide,
        DossierConversation,
        DossierNew,
        DossierAddedInformation,
        DossierConfirmedResolved,
        DossierNotSatisfied,
        DossierRated,
        DossierRating,
        DossierDecision,
        DossierCauses,
        // lead (session 6): decisions named for staff, next to their command words
        DossierUpheld,
        DossierPartlyUpheld,
        DossierNotUpheld,
    }
}

keys! {
    /// A message whose wording depends on a number; `{n}` marks where the number goes.
    pub enum Counted {
        Photos,
        CharactersLeft,
        CharactersTooMany,
        FilesAtMost,
        // offer: "Show all" under the long lists
        ResumeShowAll,
        MyComplaintsShowAll,
        // lists: a long timeline's earlier steps, folded
        TimelineShowEarlier,
        // insights: "Only the latest 12 weeks are shown."
        InsightsWeeksShown,
        // privacy: how long the details are kept (crate::privacy::keep_for)
        NoticeKeep,
        NoticeKeepToYearEnd,
        NoticeDraftsKept,
    }
}

keys! {
    /// The full privacy notice's own words (`crate::privacy::page`): written into static pages at build
    /// time and never used by the app, so they add nothing to its Wasm.
    pub enum NoticeMsg {
        Title,
        Intro,
        Version,
        VersionDated,
        WhoTitle,
        Controller,
        Dpo,
        WhatTitle,
        WhatList,
        WhatNothingElse,
        WhyTitle,
        WhyPurpose,
        MayCallBasis,
        KeepTitle,
        KeepAfter,
        SeeTitle,
        NoTransfers,
        Transfers,
        RightsTitle,
        Rights,
        Authority,
        RefuseTitle,
        DeviceTitle,
        Device,
        BackLink,
    }
}

/// The forms of a counted message. Languages without a category leave it `None` and fall back to `other`.
pub(super) struct Forms {
    pub one: Option<&'static str>,
    pub few: Option<&'static str>,
    pub many: Option<&'static str>,
    pub other: &'static str,
}

impl Msg {
    pub fn text(self, locale: Locale) -> &'static str {
        match locale {
            Locale::En => en::text(self),
            Locale::Ko => ko::text(self),
            Locale::Pl => pl::text(self),
        }
    }
}

impl IntakeMsg {
    pub fn text(self, locale: Locale) -> &'static str {
        match locale {
            Locale::En => en::intake(self),
            Locale::Ko => ko::intake(self),
            Locale::Pl => pl::intake(self),
        }
    }
}

impl NoticeMsg {
    pub fn text(self, locale: Locale) -> &'static str {
        match locale {
            Locale::En => notice::en::text(self),
            Locale::Ko => notice::ko::text(self),
            Locale::Pl => notice::pl::text(self),
        }
    }
}

impl Message for NoticeMsg {
    fn text(self, locale: Locale) -> &'static str {
        NoticeMsg::text(self, locale)
    }
}

/// A key of any catalogue, for [`super::format`].
pub trait Message: Copy {
    fn text(self, locale: Locale) -> &'static str;
}

impl Message for Msg {
    fn text(self, locale: Locale) -> &'static str {
        Msg::text(self, locale)
    }
}

impl Message for IntakeMsg {
    fn text(self, locale: Locale) -> &'static str {
        IntakeMsg::text(self, locale)
    }
}

impl Counted {
    pub(super) fn forms(self, locale: Locale) -> Forms {
        match locale {
            Locale::En => en::counted(self),
            Locale::Ko => ko::counted(self),
            Locale::Pl => pl::counted(self),
        }
    }

    /// The form for a plural category, falling back to `other` where the language has no such form.
    pub fn form(self, locale: Locale, category: PluralCategory) -> &'static str {
        let forms = self.forms(locale);
        let chosen = match category {
            PluralCategory::One => forms.one,
            PluralCategory::Few => forms.few,
            PluralCategory::Many => forms.many,
            PluralCategory::Other => None,
        };
        chosen.unwrap_or(forms.other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    type Text = Box<dyn Fn(Locale) -> &'static str>;

    /// Every key of both catalogues, named, with its text in each language.
    fn every_message() -> Vec<(String, Text)> {
        let app = Msg::ALL
            .iter()
            .map(|&msg| (format!("{msg:?}"), Box::new(move |l| msg.text(l)) as Text));
        let intake = IntakeMsg::ALL.iter().map(|&msg| {
            (
                format!("IntakeMsg::{msg:?}"),
                Box::new(move |l| msg.text(l)) as Text,
            )
        });
        let notice = NoticeMsg::ALL.iter().map(|&msg| {
            (
                format!("NoticeMsg::{msg:?}"),
                Box::new(move |l| msg.text(l)) as Text,
            )
        });
        app.chain(intake).chain(notice).collect()
    }

    fn placeholders(text: &str) -> BTreeSet<&str> {
        text.split('{')
            .skip(1)
            .filter_map(|part| part.split_once('}').map(|(name, _)| name))
            .collect()
    }

    #[test]
    fn every_message_is_non_empty_and_has_the_same_placeholders_in_every_language() {
        for (msg, text_in) in every_message() {
            let english = placeholders(text_in(Locale::En));
            for locale in Locale::ALL {
                let text = text_in(locale);
                assert!(!text.trim().is_empty(), "{msg} is empty in {locale:?}");
                assert_eq!(
                    placeholders(text),
                    english,
                    "{msg} placeholders differ in {locale:?}"
                );
            }
        }
    }

    #[test]
    fn counted_messages_have_every_form_their_language_needs() {
        for &msg in Counted::ALL {
            for locale in Locale::ALL {
                let forms = msg.forms(locale);
                let needed = match locale {
                    Locale::En => vec![forms.one],
                    Locale::Ko => vec![],
                    Locale::Pl => vec![forms.one, forms.few, forms.many],
                };
                assert!(
                    needed.iter().all(Option::is_some),
                    "{msg:?} lacks a plural form in {locale:?}"
                );
                for form in needed.into_iter().flatten().chain([forms.other]) {
                    assert!(
                        form.contains("{n}"),
                        "{msg:?} in {locale:?}: {form:?} does not show the number"
                    );
                }
            }
        }
    }

    #[test]
    fn translations_are_not_english_left_in_place() {
        // A translator who copies the English and forgets to translate leaves the same text behind.
        // Proper names such as the language list are not in the catalogue, so every message should differ.
        for (msg, text_in) in every_message() {
            // Pure layout ("{date} ({zone})") has no words to translate.
            if !text_in(Locale::En)
                .split('{')
                .map(|part| part.split_once('}').map_or(part, |(_, rest)| rest))
                .any(|rest| rest.chars().any(char::is_alphabetic))
            {
                continue;
            }
            for locale in [Locale::Ko, Locale::Pl] {
                assert_ne!(
                    text_in(locale),
                    text_in(Locale::En),
                    "{msg} untranslated in {locale:?}"
                );
            }
        }
    }
}
