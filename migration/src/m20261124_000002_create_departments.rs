use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `path` is the materialised path `/<root id>/…/<own id>/`: a subtree is one indexed prefix
/// scan, which is what "my department and below" data scopes need on every query.
#[derive(DeriveIden)]
enum Departments {
    Table,
    Id,
    WorkspaceId,
    ParentId,
    Name,
    Path,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Workspaces {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Departments::Table)
                .col(pk_uuid(Departments::Id))
                .col(uuid(Departments::WorkspaceId))
                .col(uuid_null(Departments::ParentId))
                .col(string(Departments::Name))
                .col(string(Departments::Path))
                .col(uuid_null(Departments::CreatedBy))
                .col(timestamp_with_time_zone(Departments::CreatedAt))
                .col(timestamp_with_time_zone(Departments::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Departments::Table, Departments::WorkspaceId)
                        .to(Workspaces::Table, Workspaces::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Departments::Table, Departments::ParentId)
                        .to(Departments::Table, Departments::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_departments_ws_path")
                .table(Departments::Table)
                .col(Departments::WorkspaceId)
                .col(Departments::Path)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_departments_ws_parent_name")
                .table(Departments::Table)
                .col(Departments::WorkspaceId)
                .col(Departments::ParentId)
                .col(Departments::Name)
                .to_owned(),
        )
        .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
