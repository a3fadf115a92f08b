// The validity period of a TLS certificate, read with OpenSSL: gRPC serves an
// expired certificate without a word, and clients then fail their handshakes
// with nothing in the server's log, so the server warns at start instead.
#ifndef GURU_SERVER_CERTIFICATE_H_
#define GURU_SERVER_CERTIFICATE_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace guru {

struct CertificateValidity {
  absl::Time not_before;
  absl::Time not_after;
};

// The validity of the first certificate in `pem` (a server's own comes
// first, before its chain). INVALID_ARGUMENT when OpenSSL reads no
// certificate there.
absl::StatusOr<CertificateValidity> ReadCertificateValidity(std::string_view pem);

// What to warn about a certificate with `validity` at `now`: "" when it is
// valid and stays valid for `margin`, else a sentence saying that it has
// expired, is not valid yet or expires within `margin`, with the date.
std::string ValidityWarning(const CertificateValidity& validity, absl::Time now,
                            absl::Duration margin);

}  // namespace guru

#endif  // GURU_SERVER_CERTIFICATE_H_
