#include "server/certificate.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdint>
#include <ctime>
#include <memory>

#include "core/str_cat.h"

namespace guru {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* x509) const { X509_free(x509); }
};
struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

// OpenSSL's reason for the last failure, its per-thread queue then emptied
// (for gRPC, which reads the same queue).
std::string LastOpenSslError() {
  const char* reason = ERR_reason_error_string(ERR_get_error());
  ERR_clear_error();
  return reason != nullptr ? reason : "no details";
}

// The first certificate of `pem`; INVALID_ARGUMENT when OpenSSL reads none.
absl::StatusOr<std::unique_ptr<X509, X509Free>> ReadFirstCertificate(
    std::string_view pem) {
  std::unique_ptr<BIO, BioFree> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  std::unique_ptr<X509, X509Free> x509(
      bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!x509) {
    return absl::InvalidArgumentError(
        StrCat("no certificate OpenSSL can read (", LastOpenSslError(), ")"));
  }
  return x509;
}

std::string FormatDate(absl::Time time) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", time, absl::UTCTimeZone());
}

absl::StatusOr<absl::Time> ToTime(const ASN1_TIME* time) {
  std::tm tm{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) {
    return absl::InvalidArgumentError("certificate with an unreadable validity date");
  }
  return absl::FromTM(tm, absl::UTCTimeZone());
}

}  // namespace

absl::Status CheckKeyMatchesCertificate(std::string_view cert_pem,
                                        std::string_view key_pem) {
  absl::StatusOr<std::unique_ptr<X509, X509Free>> x509 = ReadFirstCertificate(cert_pem);
  if (!x509.ok()) {
    return absl::InvalidArgumentError(StrCat("--tls-cert: ", x509.status().message()));
  }
  std::unique_ptr<BIO, BioFree> bio(
      BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
  std::unique_ptr<EVP_PKEY, KeyFree> key(
      bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key) {
    return absl::InvalidArgumentError(
        StrCat("--tls-key: no private key OpenSSL can read (", LastOpenSslError(), ")"));
  }
  if (X509_check_private_key(x509->get(), key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        "--tls-key: not the private key of the certificate in --tls-cert");
  }
  return absl::OkStatus();
}

absl::Status CheckCertificateBundle(std::string_view pem) {
  return ReadFirstCertificate(pem).status();
}

absl::StatusOr<CertificateValidity> ReadCertificateValidity(std::string_view pem) {
  absl::StatusOr<std::unique_ptr<X509, X509Free>> x509 = ReadFirstCertificate(pem);
  if (!x509.ok()) return x509.status();
  absl::StatusOr<absl::Time> not_before = ToTime(X509_get0_notBefore(x509->get()));
  if (!not_before.ok()) return not_before.status();
  absl::StatusOr<absl::Time> not_after = ToTime(X509_get0_notAfter(x509->get()));
  if (!not_after.ok()) return not_after.status();
  return CertificateValidity{*not_before, *not_after};
}

std::string ValidityWarning(const CertificateValidity& validity, absl::Time now,
                            absl::Duration margin) {
  if (validity.not_after <= now) {
    return StrCat("certificate expired on ", FormatDate(validity.not_after),
                  " (notAfter); clients will refuse it");
  }
  if (validity.not_before > now) {
    return StrCat("certificate is not valid until ", FormatDate(validity.not_before),
                  " (notBefore); clients will refuse it until then");
  }
  if (validity.not_after - now <= margin) {
    // "In 3 days" for 2 days and 23 hours: a day begun counts.
    const std::int64_t days =
        absl::Ceil(validity.not_after - now, absl::Hours(24)) / absl::Hours(24);
    return StrCat("certificate expires on ", FormatDate(validity.not_after),
                  " (notAfter), in ", days, days == 1 ? " day" : " days",
                  "; renew it before then");
  }
  return "";
}

}  // namespace guru
