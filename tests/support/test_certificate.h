// Self-signed certificates with chosen validity dates, made with OpenSSL's
// API: the openssl command cannot date a certificate in the past.
#ifndef GURU_TESTS_SUPPORT_TEST_CERTIFICATE_H_
#define GURU_TESTS_SUPPORT_TEST_CERTIFICATE_H_

#include <chrono>
#include <string>

namespace guru::testing {

struct TestCertificate {
  std::string cert_pem;
  std::string key_pem;
};

// A certificate for CN=localhost, valid from now + `not_before` to now +
// `not_after` (negative offsets lie in the past), with its P-256 key.
TestCertificate MakeSelfSignedCertificate(std::chrono::seconds not_before,
                                          std::chrono::seconds not_after);

}  // namespace guru::testing

#endif  // GURU_TESTS_SUPPORT_TEST_CERTIFICATE_H_
