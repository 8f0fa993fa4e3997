//! What an editor is told when content is wrong: file, line, column, field, what was expected,
//! and how to fix it. Collected across the whole run, never stopping at the first one.

use std::fmt;

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Diagnostic {
    /// Path relative to the content folder, with `/` separators.
    pub file: String,
    /// 1-based; 0 when the problem is with the whole file.
    pub line: usize,
    /// 1-based; 0 when unknown.
    pub column: usize,
    /// Dotted path of the field (`consultation.comments_deadline`), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub message: String,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Diagnostic {
    pub fn new(file: impl Into<String>, line: usize, column: usize, message: impl Into<String>) -> Self {
        Diagnostic { file: file.into(), line, column, field: None, message: message.into(), fix: None }
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        let field = field.into();
        self.field = (!field.is_empty()).then_some(field);
        self
    }

    pub fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.column > 0 {
                write!(f, ":{}", self.column)?;
            }
        }
        write!(f, ": error")?;
        if let Some(field) = &self.field {
            write!(f, " in `{field}`")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(fix) = &self.fix {
            write!(f, "\n  fix: {fix}")?;
        }
        Ok(())
    }
}

/// The closest candidate to a misspelt name, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(wrong, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_field_for_a_typo() {
        let fields = ["adopted_on", "number", "year", "published_on"];
        assert_eq!(did_you_mean("adopted", fields), Some("adopted_on"));
        assert_eq!(did_you_mean("numbr", fields), Some("number"));
        assert_eq!(did_you_mean("zzz", fields), None);
    }

    #[test]
    fn display_names_file_line_column_field_and_fix() {
        let d = Diagnostic::new("council_decisions/a.md", 4, 1, "unknown field `adopted`")
            .field("adopted")
            .fix("did you mean `adopted_on`?");
        assert_eq!(
            d.to_string(),
            "council_decisions/a.md:4:1: error in `adopted`: unknown field `adopted`\n  fix: did you mean `adopted_on`?"
        );
    }
}
