//! Splits a content file into its YAML front matter and its Markdown body.

/// A content file cut in two. `yaml_first_line` is the 1-based line where the YAML starts.
pub struct Split<'a> {
    pub yaml: &'a str,
    pub yaml_first_line: usize,
    pub body: &'a str,
}

/// `.md` files start with a `---` line, the YAML, and another `---` line; `.yaml` files are all YAML.
pub fn split(text: &str, is_markdown: bool) -> Result<Split<'_>, &'static str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if !is_markdown {
        return Ok(Split { yaml: text, yaml_first_line: 1, body: "" });
    }
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
        .ok_or("a Markdown content file must start with a `---` line opening its YAML front matter")?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let yaml = &rest[..offset];
            let body = &rest[offset + line.len()..];
            return Ok(Split { yaml, yaml_first_line: 2, body });
        }
        offset += line.len();
    }
    Err("the front matter is never closed: add a line with `---` after the last field")
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn markdown_front_matter_and_body_are_separated() {
        let s = split("---\nid: a\ntitle: T\n---\n# Body\n", true).unwrap();
        assert_eq!(s.yaml, "id: a\ntitle: T\n");
        assert_eq!(s.body, "# Body\n");
        assert_eq!(s.yaml_first_line, 2);
    }

    #[test]
    fn unclosed_front_matter_is_an_error_that_says_how_to_fix_it() {
        let err = split("---\nid: a\n", true).err().unwrap();
        assert!(err.contains("add a line with `---`"));
    }

    #[test]
    fn a_body_may_contain_horizontal_rules() {
        let s = split("---\nid: a\n---\ntext\n\n---\n\nmore\n", true).unwrap();
        assert_eq!(s.body, "text\n\n---\n\nmore\n");
    }
}
