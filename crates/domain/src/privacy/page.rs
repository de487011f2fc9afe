//! The full privacy notice (in Korean 개인정보 처리방침, PIPA art. 30), as text in one language, written
//! from the organisation's config: the controller, the basis and the retention per category, who sees the
//! details, the rights, the device. `crates/shell` writes it into a static page per language at build time,
//! so no number in it is copied by hand and a config change changes the page.

use crate::config::OrgConfig;
use crate::i18n::{self, dates, Counted, Locale, Msg, NoticeMsg};

use super::{keep_for, listed, ContactPoint, LegalBasis};

/// A notice in one language: its title, its version line and its sections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticePage {
    pub locale: Locale,
    pub title: String,
    pub intro: String,
    pub version: String,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub heading: String,
    pub blocks: Vec<Block>,
}

/// A paragraph, or a list of short items ("Delivery: …").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(String),
    List(Vec<String>),
}

/// The whole notice in `locale`.
pub fn notice_page(config: &OrgConfig, locale: Locale) -> NoticePage {
    let text = |msg: NoticeMsg| msg.text(locale).to_owned();
    let say = |msg: NoticeMsg, args: &[(&str, &str)]| i18n::format(locale, msg, args);
    let organisation = config.organisation.name.get(locale);
    let notice = &config.privacy.notice;
    let version = match notice.date {
        Some(date) => say(
            NoticeMsg::VersionDated,
            &[
                ("version", &notice.version),
                ("date", &dates::date_text(date, locale)),
            ],
        ),
        None => say(NoticeMsg::Version, &[("version", &notice.version)]),
    };
    let section = |heading: NoticeMsg, blocks: Vec<Block>| Section {
        heading: text(heading),
        blocks,
    };
    let paragraph = |s: String| Block::Paragraph(s);
    NoticePage {
        locale,
        title: text(NoticeMsg::Title),
        intro: say(NoticeMsg::Intro, &[("organisation", organisation)]),
        version,
        sections: vec![
            section(NoticeMsg::WhoTitle, who(config, locale)),
            section(
                NoticeMsg::WhatTitle,
                vec![
                    paragraph(text(NoticeMsg::WhatList)),
                    paragraph(text(NoticeMsg::WhatNothingElse)),
                ],
            ),
            section(NoticeMsg::WhyTitle, why(config, locale)),
            section(NoticeMsg::KeepTitle, keep(config, locale)),
            section(NoticeMsg::SeeTitle, sees(config, locale)),
            section(
                NoticeMsg::RightsTitle,
                vec![
                    paragraph(say(
                        NoticeMsg::Rights,
                        &[("contact", &requests_to(config, locale))],
                    )),
                    paragraph(text(NoticeMsg::Authority)),
                ],
            ),
            section(
                NoticeMsg::RefuseTitle,
                vec![paragraph(Msg::NoticeRefuse.text(locale).to_owned())],
            ),
            section(
                NoticeMsg::DeviceTitle,
                vec![
                    paragraph(say(
                        NoticeMsg::Device,
                        &[("button", Msg::ClearDevice.text(locale))],
                    )),
                    paragraph(i18n::count(
                        locale,
                        Counted::NoticeDraftsKept,
                        u64::from(config.drafts.expire_after_days),
                    )),
                ],
            ),
        ],
    }
}

/// The controller and the data-protection officer, with the organisation's own name and contact where
/// the `privacy` section names none.
fn who(config: &OrgConfig, locale: Locale) -> Vec<Block> {
    let controller = &config.privacy.controller;
    let name = controller
        .name
        .as_ref()
        .map_or(config.organisation.name.get(locale), |n| n.get(locale));
    let mut blocks = vec![Block::Paragraph(i18n::format(
        locale,
        NoticeMsg::Controller,
        &[
            ("name", name),
            ("contact", &reach(controller, config, locale)),
        ],
    ))];
    if let Some(dpo) = &config.privacy.dpo {
        let mut contact = reach(dpo, config, locale);
        if let Some(name) = dpo.name.as_ref().map(|n| n.get(locale)) {
            contact = format!("{name}, {contact}");
        }
        blocks.push(Block::Paragraph(i18n::format(
            locale,
            NoticeMsg::Dpo,
            &[("contact", &contact)],
        )));
    }
    blocks
}

/// The ways to reach `point`: its email, phone and address, else the organisation's email and phone.
fn reach(point: &ContactPoint, config: &OrgConfig, locale: Locale) -> String {
    let own = &config.organisation.contact;
    let email = point.email.as_ref().or(own.email.as_ref());
    let phone = point.phone.as_ref().or(own.phone.as_ref());
    let address = point.address.as_ref().map(|a| a.get(locale).to_owned());
    [email.cloned(), phone.cloned(), address]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where requests go: the DPO's email if there is one, else the controller's, else the organisation's.
fn requests_to(config: &OrgConfig, locale: Locale) -> String {
    match &config.privacy.dpo {
        Some(dpo) => reach(dpo, config, locale),
        None => reach(&config.privacy.controller, config, locale),
    }
}

/// The purpose, then each category with its legal basis; the optional phone consent where it is asked.
fn why(config: &OrgConfig, locale: Locale) -> Vec<Block> {
    let bases = &config.privacy.legal_basis;
    let items = config
        .categories
        .iter()
        .map(|c| {
            let basis: LegalBasis = bases.for_category(Some(&c.id));
            format!("{}: {}", c.label.get(locale), basis.said().text(locale))
        })
        .collect();
    let mut blocks = vec![
        Block::Paragraph(NoticeMsg::WhyPurpose.text(locale).to_owned()),
        Block::List(items),
    ];
    if config.privacy.consent_questions.phone_calls {
        blocks.push(Block::Paragraph(
            NoticeMsg::MayCallBasis.text(locale).to_owned(),
        ));
    }
    blocks
}

/// Each category with how long its details are kept, from `retention`; then what is left afterwards.
fn keep(config: &OrgConfig, locale: Locale) -> Vec<Block> {
    let items = config
        .categories
        .iter()
        .map(|c| {
            format!(
                "{}: {}",
                c.label.get(locale),
                keep_for(config, Some(&c.id), locale)
            )
        })
        .collect();
    vec![
        Block::List(items),
        Block::Paragraph(NoticeMsg::KeepAfter.text(locale).to_owned()),
    ]
}

/// The complaints team, the recipients the config names, and the transfers abroad (or that there are none).
fn sees(config: &OrgConfig, locale: Locale) -> Vec<Block> {
    let organisation = config.organisation.name.get(locale);
    let privacy = &config.privacy;
    let mut blocks = vec![Block::Paragraph(i18n::format(
        locale,
        Msg::NoticeWho,
        &[("organisation", organisation)],
    ))];
    if !privacy.recipients.is_empty() {
        blocks.push(Block::Paragraph(i18n::format(
            locale,
            Msg::NoticeAlsoShared,
            &[("recipients", &listed(&privacy.recipients, locale))],
        )));
    }
    blocks.push(Block::Paragraph(if privacy.transfers.is_empty() {
        NoticeMsg::NoTransfers.text(locale).to_owned()
    } else {
        i18n::format(
            locale,
            NoticeMsg::Transfers,
            &[("transfers", &listed(&privacy.transfers, locale))],
        )
    }));
    blocks
}
