// Certificate dates read with OpenSSL and what the server warns about them.
#include "server/certificate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "support/test_certificate.h"

namespace guru {
namespace {

using ::guru::testing::MakeSelfSignedCertificate;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr std::chrono::hours kDay(24);

CertificateValidity Read(std::chrono::seconds not_before,
                         std::chrono::seconds not_after) {
  absl::StatusOr<CertificateValidity> validity =
      ReadCertificateValidity(MakeSelfSignedCertificate(not_before, not_after).cert_pem);
  EXPECT_TRUE(validity.ok()) << validity.status();
  return validity.value_or(CertificateValidity());
}

TEST(CertificateTest, ReadsTheValidityPeriod) {
  const absl::Time now = absl::Now();
  const CertificateValidity validity = Read(-2 * kDay, 3 * kDay);
  EXPECT_LT(absl::AbsDuration(validity.not_before - (now - absl::Hours(48))),
            absl::Minutes(1));
  EXPECT_LT(absl::AbsDuration(validity.not_after - (now + absl::Hours(72))),
            absl::Minutes(1));
}

TEST(CertificateTest, NoCertificateIsInvalidArgument) {
  for (const char* pem :
       {"",
        "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n"}) {
    absl::StatusOr<CertificateValidity> validity = ReadCertificateValidity(pem);
    ASSERT_FALSE(validity.ok()) << pem;
    EXPECT_EQ(validity.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(validity.status().message(), HasSubstr("no certificate"));
  }
}

// An expired certificate used to be served without a word (issue 14).
TEST(CertificateTest, WarnsWhenExpiredNotYetValidOrExpiringSoon) {
  const absl::Time now =
      absl::FromCivil(absl::CivilSecond(2026, 3, 1, 12, 0, 0), absl::UTCTimeZone());
  const absl::Duration margin = absl::Hours(24 * 30);
  const auto warning = [&](absl::Time not_before, absl::Time not_after) {
    return ValidityWarning({not_before, not_after}, now, margin);
  };
  const absl::Time year_ago = now - absl::Hours(24 * 365);
  EXPECT_EQ(warning(year_ago, now - absl::Hours(24)),
            "certificate expired on 2026-02-28 12:00:00 UTC (notAfter); clients will "
            "refuse it");
  EXPECT_EQ(warning(now + absl::Hours(24), now + absl::Hours(24 * 365)),
            "certificate is not valid until 2026-03-02 12:00:00 UTC (notBefore); "
            "clients will refuse it until then");
  EXPECT_EQ(warning(year_ago, now + absl::Hours(24 * 10)),
            "certificate expires on 2026-03-11 12:00:00 UTC (notAfter), in 10 days; "
            "renew it before then");
  EXPECT_THAT(warning(year_ago, now + absl::Hours(47)), HasSubstr("in 2 days"));
  EXPECT_THAT(warning(year_ago, now + absl::Hours(1)), HasSubstr("in 1 day;"));
  EXPECT_THAT(warning(year_ago, now + margin), HasSubstr("in 30 days"));
  EXPECT_THAT(warning(year_ago, now + margin + absl::Seconds(1)), IsEmpty());
}

TEST(CertificateTest, AKeyMustBeTheCertificatesOwn) {
  // gRPC finds a mismatch only when it binds, and reports the port.
  const auto one = MakeSelfSignedCertificate(-kDay, 30 * kDay);
  const auto other = MakeSelfSignedCertificate(-kDay, 30 * kDay);
  EXPECT_TRUE(CheckKeyMatchesCertificate(one.cert_pem, one.key_pem).ok());
  const absl::Status mismatch = CheckKeyMatchesCertificate(one.cert_pem, other.key_pem);
  EXPECT_EQ(mismatch.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(mismatch.message(), HasSubstr("--tls-key: not the private key"));
  EXPECT_THAT(CheckKeyMatchesCertificate(one.cert_pem, "not a key").message(),
              HasSubstr("--tls-key: no private key"));
  // A CA bundle must hold a certificate, not a key given by mistake.
  EXPECT_TRUE(CheckCertificateBundle(one.cert_pem).ok());
  EXPECT_FALSE(CheckCertificateBundle(one.key_pem).ok());
}

}  // namespace
}  // namespace guru
