use async_graphql::{Context, ID, Object};

use crate::error::Error;
use crate::graphql::errors::GqlResult;
use crate::graphql::types::activity::Activity;
use crate::graphql::types::api_key::ApiKey;
use crate::graphql::types::company::Company;
use crate::graphql::types::contact::Contact;
use crate::graphql::types::department::Department;
use crate::graphql::types::node::Node;
use crate::graphql::types::sales::{Lead, Opportunity, Task};
use crate::graphql::types::user::User;
use crate::graphql::{cx, ids, scope};
use crate::service;

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any object by global id. An id of another workspace answers exactly like an unknown id.
    async fn node(&self, ctx: &Context<'_>, #[graphql(desc = "A global id.")] id: ID) -> async_graphql::Result<Node> {
        let (cx, scope) = (cx(ctx), scope(ctx)?);
        let (kind, uuid) = ids::parse("id", &id).gql()?;
        match kind.as_str() {
            "User" => Ok(Node::User(User(service::user::get(cx, scope, uuid).await.gql()?))),
            "Department" => Ok(Node::Department(Department(
                service::department::get(cx, scope, uuid).await.gql()?,
            ))),
            "ApiKey" => Ok(Node::ApiKey(ApiKey(
                service::api_key::get(cx, scope, uuid).await.gql()?,
            ))),
            "Company" => Ok(Node::Company(Company::from(
                service::company::get(cx, scope, uuid).await.gql()?,
            ))),
            "Contact" => Ok(Node::Contact(Contact::new(
                service::contact::get(cx, scope, uuid).await.gql()?,
            ))),
            "Activity" => Ok(Node::Activity(Activity(
                service::activity::get(cx, scope, uuid).await.gql()?,
            ))),
            "Opportunity" => Ok(Node::Opportunity(Opportunity(
                service::opportunity::get(cx, scope, uuid).await.gql()?,
            ))),
            "Lead" => Ok(Node::Lead(Lead(service::lead::get(cx, scope, uuid).await.gql()?))),
            "Task" => Ok(Node::Task(Task(service::task::get(cx, scope, uuid).await.gql()?))),
            _ => Err(Error::NotFound(
                "No object with this id exists in your workspace.".into(),
            ))
            .gql(),
        }
    }
}
