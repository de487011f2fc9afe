use super::Locale;

/// CLDR plural categories, for whole numbers (the desk counts things, never fractions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PluralCategory {
    One,
    Few,
    Many,
    Other,
}

impl PluralCategory {
    /// The CLDR cardinal rule for integer `n` in `locale`.
    pub fn of(locale: Locale, n: u64) -> PluralCategory {
        match locale {
            Locale::En => {
                if n == 1 {
                    PluralCategory::One
                } else {
                    PluralCategory::Other
                }
            }
            // Korean has a single form.
            Locale::Ko => PluralCategory::Other,
            Locale::Pl => {
                let (d10, d100) = (n % 10, n % 100);
                if n == 1 {
                    PluralCategory::One
                } else if (2..=4).contains(&d10) && !(12..=14).contains(&d100) {
                    PluralCategory::Few
                } else {
                    PluralCategory::Many
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polish_follows_cldr_for_integers() {
        let cat = |n| PluralCategory::of(Locale::Pl, n);
        assert_eq!(cat(1), PluralCategory::One);
        for n in [2, 3, 4, 22, 23, 24, 102, 1004] {
            assert_eq!(cat(n), PluralCategory::Few, "{n}");
        }
        for n in [0, 5, 11, 12, 13, 14, 21, 25, 111, 112, 1000] {
            assert_eq!(cat(n), PluralCategory::Many, "{n}");
        }
    }

    #[test]
    fn english_and_korean() {
        assert_eq!(PluralCategory::of(Locale::En, 1), PluralCategory::One);
        assert_eq!(PluralCategory::of(Locale::En, 0), PluralCategory::Other);
        assert_eq!(PluralCategory::of(Locale::Ko, 1), PluralCategory::Other);
    }
}
