//! Pipelines and their stages. Every workspace gets the default pipeline when it is created.

use entity::{pipeline, pipeline_stage};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::scope::TenantScope;
use crate::service::Context;

/// The default stages: (name, win probability %, kind). The after-sales stage keeps won
/// customers in the pipeline for maintenance, as Chinese CRMs do (售后维护).
const DEFAULT_STAGES: &[(&str, i32, &str)] = &[
    ("Initial contact", 10, "open"),
    ("Needs confirmed", 30, "open"),
    ("Quote / negotiation", 60, "open"),
    ("Contract negotiation", 80, "open"),
    ("Won", 100, "won"),
    ("Lost", 0, "lost"),
    ("After-sales maintenance", 100, "after_sales"),
];

/// Creates the default pipeline inside the caller's transaction.
pub async fn create_default<C: ConnectionTrait>(db: &C, ws: Uuid) -> Result<pipeline::Model> {
    let p = pipeline::ActiveModel {
        id: Set(Uuid::now_v7()),
        workspace_id: Set(ws),
        name: Set("Sales".into()),
        is_default: Set(true),
        position: Set(0),
        created_by: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    for (i, (name, probability, kind)) in DEFAULT_STAGES.iter().enumerate() {
        pipeline_stage::ActiveModel {
            id: Set(Uuid::now_v7()),
            workspace_id: Set(ws),
            pipeline_id: Set(p.id),
            name: Set((*name).into()),
            position: Set(i as i32),
            probability: Set(*probability),
            kind: Set((*kind).into()),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(p)
}

pub async fn list(cx: &Context, scope: &TenantScope) -> Result<Vec<pipeline::Model>> {
    Ok(pipeline::Entity::find_in(scope.workspace_id)
        .order_by_asc(pipeline::Column::Position)
        .all(&cx.db)
        .await?)
}

pub async fn default_pipeline<C: ConnectionTrait>(db: &C, ws: Uuid) -> Result<pipeline::Model> {
    pipeline::Entity::find_in(ws)
        .filter(pipeline::Column::IsDefault.eq(true))
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal("workspace has no default pipeline".into()))
}

pub async fn get<C: ConnectionTrait>(db: &C, ws: Uuid, id: Uuid) -> Result<pipeline::Model> {
    pipeline::Entity::find_by_id_in(ws, id)
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound("No pipeline with this `pipelineId` exists in your workspace.".into()))
}

pub async fn stages<C: ConnectionTrait>(db: &C, ws: Uuid, pipeline_id: Uuid) -> Result<Vec<pipeline_stage::Model>> {
    Ok(pipeline_stage::Entity::find_in(ws)
        .filter(pipeline_stage::Column::PipelineId.eq(pipeline_id))
        .order_by_asc(pipeline_stage::Column::Position)
        .all(db)
        .await?)
}

/// Stages of many pipelines (DataLoader).
pub async fn stages_of(
    cx: &Context,
    ws: Uuid,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, Vec<pipeline_stage::Model>>> {
    let rows = pipeline_stage::Entity::find_in(ws)
        .filter(pipeline_stage::Column::PipelineId.is_in(ids.iter().copied()))
        .order_by_asc(pipeline_stage::Column::Position)
        .all(&cx.db)
        .await?;
    let mut map: std::collections::HashMap<Uuid, Vec<pipeline_stage::Model>> = std::collections::HashMap::new();
    for r in rows {
        map.entry(r.pipeline_id).or_default().push(r);
    }
    Ok(map)
}

/// Stages by id (DataLoader).
pub async fn stages_by_ids(cx: &Context, ws: Uuid, ids: &[Uuid]) -> Result<Vec<pipeline_stage::Model>> {
    Ok(pipeline_stage::Entity::find_in(ws)
        .filter(pipeline_stage::Column::Id.is_in(ids.iter().copied()))
        .all(&cx.db)
        .await?)
}

/// A stage of this workspace, or `NOT_FOUND` naming the field.
pub async fn stage<C: ConnectionTrait>(db: &C, ws: Uuid, id: Uuid, field: &str) -> Result<pipeline_stage::Model> {
    pipeline_stage::Entity::find_by_id_in(ws, id)
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound(format!("No stage with this `{field}` exists in your workspace.")))
}
