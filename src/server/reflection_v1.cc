#include "server/reflection_v1.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

#include <set>

#include "core/str_cat.h"
#include "grpc/health/v1/health.pb.h"

namespace guru {
namespace {

namespace v1 = grpc::reflection::v1;
using google::protobuf::DescriptorPool;
using google::protobuf::FileDescriptor;

// Adds `file` and, first, the files it imports that this stream has not sent.
void AddFile(const FileDescriptor& file, std::set<std::string>& sent,
             v1::FileDescriptorResponse& response) {
  if (!sent.insert(file.name()).second) return;
  google::protobuf::FileDescriptorProto proto;
  file.CopyTo(&proto);
  // CopyTo leaves out json_name; clients need it to read the JSON mapping.
  file.CopyJsonNameTo(&proto);
  response.add_file_descriptor_proto(proto.SerializeAsString());
  for (int i = 0; i < file.dependency_count(); ++i)
    AddFile(*file.dependency(i), sent, response);
}

void Fail(v1::ServerReflectionResponse& response, grpc::StatusCode code,
          const std::string& message) {
  response.mutable_error_response()->set_error_code(code);
  response.mutable_error_response()->set_error_message(message);
}

}  // namespace

ReflectionV1Service::ReflectionV1Service(std::vector<std::string> services)
    : services_(std::move(services)) {
  // libgrpc++'s health service has no descriptors of its own; using the
  // generated messages links them into the pool both reflections read.
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
}

grpc::Status ReflectionV1Service::ServerReflectionInfo(
    grpc::ServerContext* /*context*/,
    grpc::ServerReaderWriter<v1::ServerReflectionResponse, v1::ServerReflectionRequest>*
        stream) {
  const DescriptorPool& pool = *DescriptorPool::generated_pool();
  std::set<std::string> sent;
  v1::ServerReflectionRequest request;
  while (stream->Read(&request)) {
    v1::ServerReflectionResponse response;
    response.set_valid_host(request.host());
    *response.mutable_original_request() = request;
    const FileDescriptor* file = nullptr;
    switch (request.message_request_case()) {
      case v1::ServerReflectionRequest::kListServices:
        for (const std::string& name : services_) {
          response.mutable_list_services_response()->add_service()->set_name(name);
        }
        break;
      case v1::ServerReflectionRequest::kFileByFilename:
        file = pool.FindFileByName(request.file_by_filename());
        if (file == nullptr) {
          Fail(response, grpc::StatusCode::NOT_FOUND,
               StrCat("no file ", request.file_by_filename()));
        }
        break;
      case v1::ServerReflectionRequest::kFileContainingSymbol:
        file = pool.FindFileContainingSymbol(request.file_containing_symbol());
        if (file == nullptr) {
          Fail(response, grpc::StatusCode::NOT_FOUND,
               StrCat("no symbol ", request.file_containing_symbol()));
        }
        break;
      case v1::ServerReflectionRequest::kFileContainingExtension: {
        const v1::ExtensionRequest& wanted = request.file_containing_extension();
        const google::protobuf::Descriptor* type =
            pool.FindMessageTypeByName(wanted.containing_type());
        const google::protobuf::FieldDescriptor* extension =
            type == nullptr ? nullptr
                            : pool.FindExtensionByNumber(type, wanted.extension_number());
        if (extension == nullptr) {
          Fail(response, grpc::StatusCode::NOT_FOUND,
               StrCat("no extension ", wanted.extension_number(), " of ",
                      wanted.containing_type()));
        } else {
          file = extension->file();
        }
        break;
      }
      case v1::ServerReflectionRequest::kAllExtensionNumbersOfType: {
        const google::protobuf::Descriptor* type =
            pool.FindMessageTypeByName(request.all_extension_numbers_of_type());
        if (type == nullptr) {
          Fail(response, grpc::StatusCode::NOT_FOUND,
               StrCat("no type ", request.all_extension_numbers_of_type()));
          break;
        }
        std::vector<const google::protobuf::FieldDescriptor*> extensions;
        pool.FindAllExtensions(type, &extensions);
        v1::ExtensionNumberResponse& numbers =
            *response.mutable_all_extension_numbers_response();
        numbers.set_base_type_name(type->full_name());
        for (const auto* extension : extensions)
          numbers.add_extension_number(extension->number());
        break;
      }
      case v1::ServerReflectionRequest::MESSAGE_REQUEST_NOT_SET:
        Fail(response, grpc::StatusCode::INVALID_ARGUMENT,
             "no request (message_request unset)");
        break;
    }
    if (file != nullptr)
      AddFile(*file, sent, *response.mutable_file_descriptor_response());
    if (!stream->Write(response)) break;
  }
  return grpc::Status::OK;
}

}  // namespace guru
