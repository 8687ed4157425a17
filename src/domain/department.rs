//! The department tree as materialised paths: `/<root>/…/<self>/`.

use uuid::Uuid;

/// The path of a department with this id under a parent path (`None` for a root).
pub fn child_path(parent_path: Option<&str>, id: Uuid) -> String {
    format!("{}{id}/", parent_path.unwrap_or("/"))
}

/// Moving `moving_path` under `new_parent_path` would make a department its own ancestor.
pub fn would_cycle(moving_path: &str, new_parent_path: &str) -> bool {
    new_parent_path.starts_with(moving_path)
}

/// The new path of a descendant when its ancestor's path changes from `old` to `new`.
pub fn rebase(path: &str, old: &str, new: &str) -> Option<String> {
    path.strip_prefix(old).map(|rest| format!("{new}{rest}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_are_detected_for_self_and_descendants() {
        let a = Uuid::now_v7();
        let b = Uuid::now_v7();
        let pa = child_path(None, a);
        let pb = child_path(Some(&pa), b);
        assert!(would_cycle(&pa, &pa));
        assert!(would_cycle(&pa, &pb));
        assert!(!would_cycle(&pb, &pa));
    }

    #[test]
    fn rebase_moves_a_subtree() {
        assert_eq!(rebase("/a/b/c/", "/a/b/", "/x/b/").as_deref(), Some("/x/b/c/"));
        assert_eq!(rebase("/q/", "/a/", "/x/"), None);
    }
}
