//! Rapport's sea-orm entities, one module per table, and nothing else.
//!
//! Tenant tables expose scoped constructors (`find_in`, `update_in`, `delete_in`) that start every
//! query from `workspace_id`; code outside this crate never calls a bare `Entity::find()` on a
//! tenant table. Timestamps are set here, in `ActiveModelBehavior`, never by callers.
//! This crate holds no business rules and depends on no crate of ours.

pub mod activity;
pub mod auth_token;
pub mod company;
pub mod company_domain;
pub mod contact;
pub mod contact_email;
pub mod contact_phone;
pub mod department;
pub mod invitation;
pub mod lead;
pub mod mail_delivery;
pub mod note_share;
pub mod opportunity;
pub mod opportunity_contact;
pub mod pipeline;
pub mod pipeline_stage;
pub mod record_counter;
pub mod record_tag;
pub mod stage_change;
pub mod task;
pub mod timeline_entry;
pub mod user;
pub mod workspace;

/// Implements `ActiveModelBehavior` so that `created_at` is set on insert and `updated_at` on
/// every save, in one place.
macro_rules! stamp_timestamps {
    () => {
        #[sea_orm::prelude::async_trait::async_trait]
        impl sea_orm::ActiveModelBehavior for ActiveModel {
            async fn before_save<C>(mut self, _db: &C, insert: bool) -> Result<Self, sea_orm::DbErr>
            where
                C: sea_orm::ConnectionTrait,
            {
                // Microseconds, as PostgreSQL stores them, so both backends read back what was written.
                let now = chrono::SubsecRound::trunc_subsecs(chrono::Utc::now(), 6);
                if insert && self.created_at.is_not_set() {
                    self.created_at = sea_orm::Set(now);
                }
                self.updated_at = sea_orm::Set(now);
                Ok(self)
            }
        }
    };
}

/// Scoped constructors for a tenant table: every query, update and delete starts from the
/// workspace, so that forgetting the tenant filter is impossible rather than unlikely.
macro_rules! tenant_scoped {
    () => {
        impl Entity {
            /// All rows of one workspace.
            pub fn find_in(workspace_id: uuid::Uuid) -> sea_orm::Select<Entity> {
                use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
                Entity::find().filter(Column::WorkspaceId.eq(workspace_id))
            }

            /// One row by id, only if it belongs to the workspace.
            pub fn find_by_id_in(workspace_id: uuid::Uuid, id: uuid::Uuid) -> sea_orm::Select<Entity> {
                use sea_orm::{ColumnTrait, QueryFilter};
                Self::find_in(workspace_id).filter(Column::Id.eq(id))
            }

            /// An update of rows of one workspace.
            pub fn update_in(workspace_id: uuid::Uuid) -> sea_orm::UpdateMany<Entity> {
                use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
                Entity::update_many().filter(Column::WorkspaceId.eq(workspace_id))
            }

            /// A delete of rows of one workspace.
            pub fn delete_in(workspace_id: uuid::Uuid) -> sea_orm::DeleteMany<Entity> {
                use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
                Entity::delete_many().filter(Column::WorkspaceId.eq(workspace_id))
            }
        }
    };
}

pub(crate) use stamp_timestamps;
pub(crate) use tenant_scoped;
