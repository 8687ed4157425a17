//! Read entry points, one module per noun, merged into `Query`.

mod api_key;
mod crm;
mod department;
mod me;
mod node;
pub(crate) mod sales;
mod user;

use async_graphql::MergedObject;

/// The root of every read.
#[derive(MergedObject, Default)]
pub struct Query(
    me::MeQuery,
    node::NodeQuery,
    user::UserQuery,
    department::DepartmentQuery,
    api_key::ApiKeyQuery,
    crm::CrmQuery,
    sales::SalesQuery,
);
