//! Common answers an organisation publishes (`/api/v1/knowledge-base.json`), offered before a complaint
//! is written, so a customer whose problem has a known fix need not complain at all.

use serde::{Deserialize, Serialize};

use crate::json::{JsonParser, SerdeJson};
use crate::localized::LocalizedText;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnowledgeBase {
    pub schema_version: u32,
    pub articles: Vec<Article>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Stable; the device counts "this solved it" per article id.
    pub id: String,
    /// The category id the article answers.
    pub category: String,
    pub question: LocalizedText,
    pub answer: LocalizedText,
}

impl KnowledgeBase {
    pub fn from_json(text: &str) -> Result<KnowledgeBase, String> {
        KnowledgeBase::from_json_with(text, &SerdeJson)
    }

    pub fn from_json_with(text: &str, json: &impl JsonParser) -> Result<KnowledgeBase, String> {
        json.parse(text).map_err(|e| e.to_string())
    }

    /// The articles for a category, skipping any with no text at all.
    pub fn for_category<'a>(&'a self, category: &'a str) -> impl Iterator<Item = &'a Article> + 'a {
        self.articles.iter().filter(move |a| {
            a.category == category && !a.question.is_blank() && !a.answer.is_blank()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_answers_each_category_but_something_else() {
        let kb =
            KnowledgeBase::from_json(include_str!("../../../public/api/v1/knowledge-base.json"))
                .unwrap();
        for category in [
            "defective-product",
            "gaming-account",
            "service-billing",
            "delivery",
        ] {
            assert!(kb.for_category(category).count() >= 1, "{category}");
            for article in kb.for_category(category) {
                assert!(
                    article.question.missing().is_empty() && article.answer.missing().is_empty(),
                    "{}",
                    article.id
                );
            }
        }
        assert_eq!(kb.for_category("something-else").count(), 0);
    }
}
