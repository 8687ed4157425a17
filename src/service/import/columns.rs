//! The file's columns: header names and their aliases, the `mapping` parameter, the plan of
//! which column fills which field, and data rows with their cells assigned to fields.

use std::collections::HashMap;

use super::{Kind, Rejection};
use crate::error::{Error, Result};
use crate::service::csv::{self, Record};

/// Fields that hold a list (cells split on `;`); several columns may feed one of them.
pub(super) const LIST_FIELDS: &[&str] = &["email", "phone", "tags", "domain"];

/// Columns our own exports write that an import reads past without a word.
pub(super) const EXPORT_ONLY: &[&str] = &["number", "created_at", "updated_at", "status"];

/// Other names people give columns, by field. One table for all kinds: a kind uses the
/// entries for its own fields, and a header that is a field's own name wins over an alias
/// (a companies file's `website` column is the website; in other files it is no field).
const ALIASES: &[(&str, &str)] = &[
    ("e-mail", "email"),
    ("emails", "email"),
    ("primary_email", "email"),
    ("mail", "email"),
    ("邮箱", "email"),
    ("电子邮件", "email"),
    ("phones", "phone"),
    ("mobile", "phone"),
    ("tel", "phone"),
    ("telephone", "phone"),
    ("手机", "phone"),
    ("电话", "phone"),
    ("company_name", "company"),
    ("公司", "company"),
    ("公司名称", "company"),
    ("full_name", "name"),
    ("姓名", "name"),
    ("名称", "name"),
    ("domains", "domain"),
    ("website", "domain"),
    ("域名", "domain"),
    ("职位", "title"),
    ("标签", "tags"),
    ("tag", "tags"),
    ("负责人", "owner"),
    ("行业", "industry"),
    ("地区", "region"),
    ("地址", "address"),
    ("来源", "source"),
    ("级别", "tier"),
];

/// How a header compares: case, spaces, `-`, `_` and `.` do not matter (`E-Mail` = `email`).
pub(super) fn norm(s: &str) -> String {
    s.trim()
        .to_lowercase()
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '.'))
        .collect()
}

/// The field a header (or a mapping target) names for this kind.
pub(super) fn resolve(kind: Kind, name: &str) -> Option<&'static str> {
    let n = norm(name);
    let fields = kind.fields();
    fields.iter().find(|f| norm(f) == n).copied().or_else(|| {
        ALIASES
            .iter()
            .find(|(a, f)| norm(a) == n && fields.contains(f))
            .map(|(_, f)| *f)
    })
}

/// Which field each column fills.
pub(super) struct Plan {
    pub(super) headers: Vec<String>,
    pub(super) columns: Vec<Option<&'static str>>,
}

impl Plan {
    pub(super) fn build(
        kind: Kind,
        headers: Vec<String>,
        mapping: Option<&[(String, Option<String>)]>,
    ) -> Result<(Plan, Vec<String>)> {
        let mut columns: Vec<Option<&'static str>> = vec![None; headers.len()];
        match mapping {
            Some(m) => {
                for (header, target) in m {
                    let Some(i) = headers.iter().position(|h| h.trim() == header.trim()) else {
                        return Err(Error::bad_input(
                            "mapping",
                            format!(
                                "The mapping names the column {header:?}, which the file does not have (its columns: {}).",
                                headers.join(", ")
                            ),
                        ));
                    };
                    let Some(target) = target.as_deref().filter(|t| !t.trim().is_empty()) else {
                        continue;
                    };
                    let Some(field) = resolve(kind, target) else {
                        return Err(Error::bad_input(
                            "mapping",
                            format!(
                                "The mapping sends {header:?} to {target:?}, which is not a field of {}; use one of {} (or null to skip the column).",
                                kind.plural(),
                                kind.fields().join(", ")
                            ),
                        ));
                    };
                    columns[i] = Some(field);
                }
            }
            None => {
                for (i, h) in headers.iter().enumerate() {
                    columns[i] = resolve(kind, h);
                }
            }
        }
        for (i, f) in columns.iter().enumerate() {
            let Some(f) = f else { continue };
            if LIST_FIELDS.contains(f) {
                continue;
            }
            if let Some(j) = columns[i + 1..].iter().position(|g| g == &Some(*f)) {
                return Err(Error::bad_input(
                    *f,
                    format!(
                        "Both the columns {:?} and {:?} fill {f}; map one of them to null.",
                        headers[i],
                        headers[i + 1 + j]
                    ),
                ));
            }
        }
        if !columns.contains(&Some("name")) {
            return Err(Error::bad_input(
                "name",
                format!(
                    "The file has no column for the name, which {} need; name a column `name` or pass a mapping like {{\"Full name\": \"name\"}} (columns found: {}).",
                    kind.plural(),
                    headers.join(", ")
                ),
            ));
        }
        let ignored = headers
            .iter()
            .zip(&columns)
            .filter(|(h, c)| c.is_none() && !h.trim().is_empty() && !EXPORT_ONLY.iter().any(|e| norm(e) == norm(h)))
            .map(|(h, _)| h.clone())
            .collect();
        Ok((Plan { headers, columns }, ignored))
    }

    pub(super) fn column_of(&self, field: &str) -> Option<String> {
        self.columns
            .iter()
            .position(|c| *c == Some(field))
            .map(|i| self.headers[i].clone())
    }
}

/// One data row with its cells assigned to fields.
pub(super) struct Row {
    pub(super) row: u64,
    values: HashMap<&'static str, Vec<String>>,
}

impl Row {
    pub(super) fn new(plan: &Plan, rec: Record) -> Result<Row, Rejection> {
        if rec.cells.len() > plan.headers.len() {
            return Err(Rejection {
                row: rec.row,
                field: String::new(),
                column: None,
                reason: format!(
                    "The row has {} cells but the header has {} columns; quote cells that contain commas.",
                    rec.cells.len(),
                    plan.headers.len()
                ),
            });
        }
        let mut values: HashMap<&'static str, Vec<String>> = HashMap::new();
        for (cell, field) in rec.cells.iter().zip(&plan.columns) {
            let (Some(field), v) = (field, csv::undefuse(cell.trim()).trim()) else {
                continue;
            };
            if v.is_empty() {
                continue;
            }
            let slot = values.entry(field).or_default();
            if LIST_FIELDS.contains(field) {
                slot.extend(
                    v.split([';', '；', '\n'])
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(String::from),
                );
            } else {
                slot.push(v.to_string());
            }
        }
        Ok(Row { row: rec.row, values })
    }

    /// A single-valued field; `None` when the cell is empty or there is no such column.
    pub(super) fn one(&self, field: &str) -> Option<String> {
        self.values.get(field).and_then(|v| v.first()).cloned()
    }

    pub(super) fn list(&self, field: &str) -> &[String] {
        self.values.get(field).map(Vec::as_slice).unwrap_or_default()
    }
}

pub(super) fn parse_mapping(raw: &str) -> Result<Vec<(String, Option<String>)>> {
    let v: serde_json::Value =
        serde_json::from_str(raw).map_err(|e| Error::bad_input("mapping", format!("`mapping` is not JSON: {e}.")))?;
    let obj = v.as_object().ok_or_else(|| {
        Error::bad_input(
            "mapping",
            "`mapping` must be a JSON object of CSV column → field, like {\"E-Mail\": \"email\"}.",
        )
    })?;
    obj.iter()
        .map(|(k, v)| match v {
            serde_json::Value::Null => Ok((k.clone(), None)),
            serde_json::Value::String(s) => Ok((k.clone(), Some(s.clone()))),
            _ => Err(Error::bad_input(
                "mapping",
                format!("`mapping` sends {k:?} to something that is not a field name (a string or null)."),
            )),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_resolve_by_name_and_alias() {
        assert_eq!(resolve(Kind::Contacts, " E-Mail "), Some("email"));
        assert_eq!(resolve(Kind::Contacts, "邮箱"), Some("email"));
        assert_eq!(resolve(Kind::Contacts, "Primary Email"), Some("email"));
        assert_eq!(resolve(Kind::Contacts, "手机"), Some("phone"));
        assert_eq!(resolve(Kind::Contacts, "publicNotes"), Some("public_notes"));
        assert_eq!(resolve(Kind::Companies, "website"), Some("website"));
        assert_eq!(resolve(Kind::Companies, "域名"), Some("domain"));
        assert_eq!(resolve(Kind::Leads, "domain"), None);
        assert_eq!(resolve(Kind::Leads, "公司"), Some("company"));
    }

    #[test]
    fn a_plan_needs_a_name_and_one_column_per_single_field() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(Plan::build(Kind::Contacts, h(&["email", "phone"]), None).is_err());
        assert!(Plan::build(Kind::Contacts, h(&["name", "姓名"]), None).is_err());
        let (plan, ignored) = Plan::build(
            Kind::Contacts,
            h(&["name", "emails", "primary_email", "number", "shoe size"]),
            None,
        )
        .unwrap_or_else(|_| panic!("plan"));
        assert_eq!(
            plan.columns,
            vec![Some("name"), Some("email"), Some("email"), None, None]
        );
        assert_eq!(ignored, vec!["shoe size".to_string()]);
        let m = vec![("Who".to_string(), Some("name".to_string())), ("x".to_string(), None)];
        assert!(Plan::build(Kind::Contacts, h(&["Who", "x"]), Some(&m)).is_ok());
        assert!(
            Plan::build(Kind::Contacts, h(&["Who"]), Some(&m)).is_err(),
            "x is not in the file"
        );
    }
}
