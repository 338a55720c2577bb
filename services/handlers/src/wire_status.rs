//! The statuses of requests that never reach a handler because their body cannot be decoded. tonic answers a
//! body that is not the method's protobuf message with INTERNAL (gRPC's convention for its own parse errors) and
//! one larger than the service's limit with OUT_OF_RANGE naming no limit; to a caller both are its own bad
//! input, so this layer on every server turns them into INVALID_ARGUMENT and RESOURCE_EXHAUSTED naming the
//! limit ([`MAX_REQUEST_BYTES`]). Every other response passes unchanged.

use tonic::codegen::http;
use tonic::{Code, Status};

use crate::server::MAX_REQUEST_BYTES;

/// tonic's messages for request bodies that do not decode: prost's parse error, a body cut short inside a
/// message, and a unary call without a message.
const UNDECODABLE: [&str; 3] = [
    "failed to decode Protobuf message",
    "Unexpected EOF decoding stream",
    "Missing request message",
];
/// tonic's message for a request message over the service's decoding limit.
const OVERSIZE: &str = "decoded message length too large";

/// The response with a decode failure's status corrected; any other response unchanged.
pub fn correct<B: Default>(response: http::Response<B>) -> http::Response<B> {
    let Some(status) = Status::from_header_map(response.headers()) else {
        return response;
    };
    let message = status.message();
    let corrected = match status.code() {
        Code::Internal if UNDECODABLE.iter().any(|m| message.starts_with(m)) => {
            Status::invalid_argument(format!(
                "请求无法解码 (the request body is not a valid protobuf message of this method): {message}"
            ))
        }
        Code::OutOfRange if message.contains(OVERSIZE) => Status::resource_exhausted(format!(
            "请求过大 (the request exceeds the limit MAX_REQUEST_BYTES = {MAX_REQUEST_BYTES} bytes): {message}"
        )),
        _ => return response,
    };
    corrected.into_http()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(response: &http::Response<()>) -> Code {
        Status::from_header_map(response.headers())
            .expect("a status")
            .code()
    }

    #[test]
    fn decode_failures_become_the_callers_errors() {
        let undecodable = Status::internal("failed to decode Protobuf message: invalid wire type");
        assert_eq!(
            code_of(&correct(undecodable.into_http())),
            Code::InvalidArgument
        );
        let oversize = Status::out_of_range(
            "Error, decoded message length too large: found 2000000 bytes, the limit is: 1048576 bytes",
        );
        let corrected = correct(oversize.into_http::<()>());
        let status = Status::from_header_map(corrected.headers()).expect("a status");
        assert_eq!(status.code(), Code::ResourceExhausted);
        assert!(
            status.message().contains("MAX_REQUEST_BYTES = 1048576"),
            "{}",
            status.message()
        );
        // A handler's own INTERNAL (a corrupt stream) stays INTERNAL.
        let internal = Status::internal("stream x cannot be folded");
        assert_eq!(code_of(&correct(internal.into_http())), Code::Internal);
        let ok = http::Response::new(());
        assert_eq!(correct(ok).status(), http::StatusCode::OK);
    }
}
