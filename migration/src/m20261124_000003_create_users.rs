use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    WorkspaceId,
    Email,
    EmailCanonical,
    Name,
    Role,
    DepartmentId,
    PasswordHash,
    Status,
    LastSignInAt,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Workspaces {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Departments {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(pk_uuid(Users::Id))
                .col(uuid(Users::WorkspaceId))
                .col(string(Users::Email))
                .col(string(Users::EmailCanonical))
                .col(string(Users::Name))
                .col(string(Users::Role))
                .col(uuid_null(Users::DepartmentId))
                .col(string_null(Users::PasswordHash))
                .col(string(Users::Status))
                .col(timestamp_with_time_zone_null(Users::LastSignInAt))
                .col(uuid_null(Users::CreatedBy))
                .col(timestamp_with_time_zone(Users::CreatedAt))
                .col(timestamp_with_time_zone(Users::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Users::Table, Users::WorkspaceId)
                        .to(Workspaces::Table, Workspaces::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Users::Table, Users::DepartmentId)
                        .to(Departments::Table, Departments::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_users_ws_email")
                .table(Users::Table)
                .col(Users::WorkspaceId)
                .col(Users::EmailCanonical)
                .unique()
                .to_owned(),
        )
        .await?;
        // Sign-in looks a person up by address before it knows the workspace.
        m.create_index(
            Index::create()
                .name("ix_users_email")
                .table(Users::Table)
                .col(Users::EmailCanonical)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_users_ws_name")
                .table(Users::Table)
                .col(Users::WorkspaceId)
                .col(Users::Name)
                .col(Users::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_users_ws_department")
                .table(Users::Table)
                .col(Users::WorkspaceId)
                .col(Users::DepartmentId)
                .to_owned(),
        )
        .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
