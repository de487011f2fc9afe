//! The receipt a customer keeps: plain text that reads the same in any viewer and prints anywhere.

/// Worded by the app in the customer's language; this only lays it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub title: String,
    pub rows: Vec<(String, String)>,
}

impl Receipt {
    /// `Key: value` lines under an underlined title, with multi-line values indented under their key.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{}\n{}\n\n",
            self.title,
            "=".repeat(self.title.chars().count())
        );
        for (key, value) in &self.rows {
            let mut lines = value.lines();
            out.push_str(&format!("{key}: {}\n", lines.next().unwrap_or("")));
            for line in lines {
                out.push_str(&format!("    {line}\n"));
            }
        }
        out
    }

    /// A file name safe on every system: `complaint-<reference>.txt` with only letters, digits and dashes.
    pub fn file_name(reference: &str) -> String {
        let safe: String = reference
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        format!("complaint-{safe}.txt")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lays_out_rows_under_an_underlined_title() {
        let receipt = Receipt {
            title: "불만 접수증".into(),
            rows: vec![
                ("접수 번호".into(), "CMP-7K4Q".into()),
                ("Rule".into(), "line one\nline two".into()),
            ],
        };
        assert_eq!(
            receipt.to_text(),
            "불만 접수증\n======\n\n접수 번호: CMP-7K4Q\nRule: line one\n    line two\n"
        );
    }

    #[test]
    fn file_names_never_carry_path_characters() {
        assert_eq!(
            Receipt::file_name("CMP-7K4Q-2M9X"),
            "complaint-CMP-7K4Q-2M9X.txt"
        );
        assert_eq!(
            Receipt::file_name("../etc/passwd"),
            "complaint----etc-passwd.txt"
        );
    }
}
