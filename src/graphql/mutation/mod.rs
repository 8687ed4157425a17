//! Write entry points, one module per noun, merged into `Mutation`. Each takes one `input`
//! object and returns a payload with the changed record.

mod api_key;
mod crm;
mod department;
mod sales;
mod session;
mod user;

use async_graphql::MergedObject;

/// The root of every change.
#[derive(MergedObject, Default)]
pub struct Mutation(
    session::SessionMutation,
    api_key::ApiKeyMutation,
    department::DepartmentMutation,
    user::UserMutation,
    crm::CrmMutation,
    sales::SalesMutation,
);
