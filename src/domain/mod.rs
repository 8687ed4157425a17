//! Pure rules, no I/O: parsing user input into domain values, roles, tree moves.
//! Nothing here touches the database, the network or the clock's side effects.

pub mod activity;
pub mod department;
pub mod domain_name;
pub mod email;
pub mod money;
pub mod password;
pub mod phone;
pub mod role;
pub mod text;
