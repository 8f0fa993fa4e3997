//! YAML to JSON, remembering where every field was written, so schema errors can point at a line.

use std::collections::HashMap;

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};
use serde_json::{Map, Number, Value};

/// 1-based line and column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

/// JSON pointer (`/vote/for`) → where its key and its value start in the file.
#[derive(Debug, Default)]
pub struct Positions {
    keys: HashMap<String, Pos>,
    values: HashMap<String, Pos>,
}

impl Positions {
    /// Where the field's key is written (or its value, for list items); the closest ancestor
    /// when the pointer does not exist (a missing field is reported at its parent).
    pub fn of_key(&self, pointer: &str) -> Pos {
        self.lookup(pointer, true)
    }

    /// Where the field's value starts.
    pub fn of_value(&self, pointer: &str) -> Pos {
        self.lookup(pointer, false)
    }

    fn lookup(&self, pointer: &str, key_first: bool) -> Pos {
        let mut p = pointer;
        loop {
            let hit = if key_first {
                self.keys.get(p).or_else(|| self.values.get(p))
            } else {
                self.values.get(p).or_else(|| self.keys.get(p))
            };
            if let Some(pos) = hit {
                return *pos;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return Pos { line: 1, column: 1 },
            }
        }
    }
}

/// A YAML syntax error, already shifted to the line numbers of the whole file.
#[derive(Debug)]
pub struct SyntaxError {
    pub pos: Pos,
    pub message: String,
}

/// Parses one YAML document into JSON. Null values are dropped, so `field:` left empty reads as
/// absent. `first_line` is the file line where the YAML text starts.
pub fn to_json(yaml: &str, first_line: usize) -> Result<(Value, Positions), SyntaxError> {
    let docs = MarkedYaml::load_from_str(yaml).map_err(|e| SyntaxError {
        pos: Pos { line: e.marker().line() + first_line - 1, column: e.marker().col() + 1 },
        message: e.info().to_owned(),
    })?;
    let mut positions = Positions::default();
    let value = match docs.first() {
        Some(doc) => convert(doc, String::new(), first_line, &mut positions),
        None => Value::Object(Map::new()),
    };
    Ok((value, positions))
}

fn pos(node: &MarkedYaml, first_line: usize) -> Pos {
    let m = node.span.start;
    Pos { line: m.line() + first_line - 1, column: m.col() + 1 }
}

fn convert(node: &MarkedYaml, pointer: String, first_line: usize, positions: &mut Positions) -> Value {
    positions.values.insert(pointer.clone(), pos(node, first_line));
    match &node.data {
        YamlData::Value(scalar) => scalar_to_json(scalar),
        YamlData::Representation(text, ..) => Value::String(text.to_string()),
        YamlData::Sequence(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| convert(item, format!("{pointer}/{i}"), first_line, positions))
                .collect(),
        ),
        YamlData::Mapping(map) => {
            let mut object = Map::new();
            for (key, value) in map {
                let key_text = match &key.data {
                    YamlData::Value(scalar) => scalar_key(scalar),
                    _ => continue,
                };
                let child = format!("{pointer}/{}", escape_pointer(&key_text));
                positions.keys.insert(child.clone(), pos(key, first_line));
                let v = convert(value, child, first_line, positions);
                if !v.is_null() {
                    object.insert(key_text, v);
                }
            }
            Value::Object(object)
        }
        YamlData::Tagged(_, inner) => convert(inner, pointer, first_line, positions),
        YamlData::Alias(_) | YamlData::BadValue => Value::Null,
    }
}

fn scalar_to_json(scalar: &Scalar) -> Value {
    match scalar {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::Number((*i).into()),
        Scalar::FloatingPoint(f) => Number::from_f64(f.into_inner()).map_or(Value::Null, Value::Number),
        Scalar::String(s) => Value::String(s.to_string()),
    }
}

fn scalar_key(scalar: &Scalar) -> String {
    match scalar_to_json(scalar) {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_keep_their_lines_and_types() {
        let (v, p) = to_json("id: a\nvote:\n  for: 21\n  ok: true\nlist:\n  - x\n  - 2.5\n", 2).unwrap();
        assert_eq!(v["vote"]["for"], 21);
        assert_eq!(v["vote"]["ok"], true);
        assert_eq!(v["list"][1], 2.5);
        assert_eq!(p.of_key("/vote/for"), Pos { line: 4, column: 3 });
        assert_eq!(p.of_value("/list/1"), Pos { line: 8, column: 5 });
        // A missing field is reported at its closest existing parent.
        assert_eq!(p.of_key("/vote/against").line, 3);
    }

    #[test]
    fn empty_values_read_as_absent_and_dates_stay_strings() {
        let (v, _) = to_json("published_on:\nadopted_on: 2025-03-27\n", 1).unwrap();
        assert!(v.get("published_on").is_none());
        assert_eq!(v["adopted_on"], "2025-03-27");
    }

    #[test]
    fn syntax_errors_point_at_the_file_line() {
        let err = to_json("id: a\ntitle: [unclosed\n", 2).err().unwrap();
        assert!(err.pos.line >= 3, "{}", err.pos.line);
    }
}
