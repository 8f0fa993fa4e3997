//! The text of an hOCR file (the OCR format tesseract writes), for the page's `.txt`.

/// The words of an hOCR file: the text between tags, entities decoded, one line per line.
pub fn hocr_text(markup: &str) -> String {
    let body = markup.split_once("<body").map_or(markup, |(_, b)| b);
    let mut out = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                if !out.ends_with([' ', '\n']) {
                    out.push(' ');
                }
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::hocr_text;

    #[test]
    fn hocr_becomes_plain_words() {
        let hocr = "<?xml version='1.0'?><html><head><title>x</title></head><body><div class='ocr_page'>\
            <span class='ocrx_word'>Ședința</span> <span class='ocrx_word'>din</span>\n<span>1920</span>\
            <span>&amp;</span><span>&lt;anexa&gt;</span></div></body></html>";
        assert_eq!(hocr_text(hocr), "Ședința din 1920 & <anexa>");
    }
}
