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

// OK when `key_pem` holds the private key of the first certificate of
// `cert_pem`; else INVALID_ARGUMENT naming --tls-cert or --tls-key. gRPC
// finds a mismatch only when it binds the port, and reports a port that
// cannot be bound.
absl::Status CheckKeyMatchesCertificate(std::string_view cert_pem,
                                        std::string_view key_pem);

// OK when `pem` holds at least one certificate (a CA bundle for client
// certificates); INVALID_ARGUMENT otherwise (a private key given instead).
absl::Status CheckCertificateBundle(std::string_view pem);

// What to warn about a certificate with `validity` at `now`: "" when it is
// valid and stays valid for `margin`, else a sentence saying that it has
// expired, is not valid yet or expires within `margin`, with the date.
std::string ValidityWarning(const CertificateValidity& validity, absl::Time now,
                            absl::Duration margin);

}  // namespace guru

#endif  // GURU_SERVER_CERTIFICATE_H_
