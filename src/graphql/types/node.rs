use async_graphql::{ID, Interface};

use crate::graphql::types::activity::Activity;
use crate::graphql::types::api_key::ApiKey;
use crate::graphql::types::company::Company;
use crate::graphql::types::contact::Contact;
use crate::graphql::types::department::Department;
use crate::graphql::types::sales::{Lead, Opportunity, Task};
use crate::graphql::types::user::{Invitation, User};

/// Any object with a global id, fetchable with `node(id:)`.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Global id."))]
pub enum Node {
    User(User),
    Department(Department),
    ApiKey(ApiKey),
    Invitation(Invitation),
    Company(Company),
    Contact(Contact),
    Activity(Activity),
    Opportunity(Opportunity),
    Lead(Lead),
    Task(Task),
}
