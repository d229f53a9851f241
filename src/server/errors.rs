//! Errors as JSON: `{"error": "...", ...}` with the status code that fits (400 for a bad
//! query or parameter, with the position where the parser gives one; 404 for an unknown
//! record or route; 503 while there is no index or when a request times out).

use crate::error::FyndError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

/// An error answer: a status and a JSON object that has at least `error` (the message).
#[derive(Debug)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The JSON body.
    pub body: Value,
}

impl ApiError {
    /// An error with only a message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: json!({ "error": message.into() }),
        }
    }

    /// A 400 answer about one query parameter.
    pub fn bad_parameter(parameter: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            body: json!({ "error": message.into(), "parameter": parameter }),
        }
    }

    /// A 404 answer for a path no route serves.
    pub fn not_found(path: &str) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, format!("no such endpoint: {path}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

impl From<FyndError> for ApiError {
    fn from(err: FyndError) -> ApiError {
        let mut body = Map::new();
        let status = match &err {
            FyndError::NoIndex { .. }
            | FyndError::IncompatibleIndex { .. }
            | FyndError::DamagedIndex { .. }
            | FyndError::CheckFailed { .. }
            | FyndError::TimedOut { .. } => StatusCode::SERVICE_UNAVAILABLE,
            FyndError::UnknownFilterKey { .. }
            | FyndError::BadFilter { .. }
            | FyndError::BadDate { .. }
            | FyndError::BadSort { .. }
            | FyndError::BadMatchMode { .. }
            | FyndError::BadNear { .. }
            | FyndError::BadView { .. } => StatusCode::BAD_REQUEST,
            FyndError::BadRange {
                option,
                value,
                position,
                message,
            } => {
                body.insert("parameter".into(), json!(option.trim_start_matches('-')));
                body.insert("value".into(), json!(value));
                body.insert("position".into(), json!(position));
                body.insert("message".into(), json!(message));
                StatusCode::BAD_REQUEST
            }
            FyndError::QuerySyntax {
                query,
                position,
                message,
            } => {
                body.insert("parameter".into(), json!("q"));
                body.insert("query".into(), json!(query));
                body.insert("position".into(), json!(position));
                body.insert("message".into(), json!(message));
                StatusCode::BAD_REQUEST
            }
            FyndError::NoRecord { id, similar } => {
                body.insert("id".into(), json!(id));
                body.insert("similar".into(), json!(similar));
                StatusCode::NOT_FOUND
            }
            FyndError::IndexLocked { .. }
            | FyndError::Io { .. }
            | FyndError::Strict { .. }
            | FyndError::BadBenchQuery { .. }
            | FyndError::NoSuchPath { .. }
            | FyndError::NoFiles { .. }
            | FyndError::BadColumn { .. }
            | FyndError::BadField { .. }
            | FyndError::BadExport { .. }
            | FyndError::Tantivy(_) => StatusCode::INTERNAL_SERVER_ERROR,
            // The server answers an empty hit list, never this; listed for completeness.
            FyndError::NoMatch { .. } => StatusCode::NOT_FOUND,
        };
        // The first line is the message; the CLI's caret lines follow it.
        let text = err.to_string();
        let message = text.lines().next().unwrap_or_default().to_string();
        body.insert("error".into(), json!(message));
        ApiError {
            status,
            body: Value::Object(body),
        }
    }
}
