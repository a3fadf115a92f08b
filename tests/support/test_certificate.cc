#include "support/test_certificate.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

namespace guru::testing {
namespace {

struct Free {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
  void operator()(X509* x509) const { X509_free(x509); }
  void operator()(BIO* bio) const { BIO_free(bio); }
};

// What `write` puts into a memory BIO.
template <typename Write>
std::string WritePem(Write write) {
  std::unique_ptr<BIO, Free> bio(BIO_new(BIO_s_mem()));
  EXPECT_EQ(write(bio.get()), 1);
  std::string pem(BIO_ctrl_pending(bio.get()), '\0');
  EXPECT_EQ(BIO_read(bio.get(), pem.data(), static_cast<int>(pem.size())),
            static_cast<int>(pem.size()));
  return pem;
}

}  // namespace

TestCertificate MakeSelfSignedCertificate(std::chrono::seconds not_before,
                                          std::chrono::seconds not_after) {
  std::unique_ptr<EVP_PKEY, Free> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  std::unique_ptr<X509, Free> x509(X509_new());
  EXPECT_TRUE(key && x509);
  X509_set_version(x509.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x509.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(x509.get()), static_cast<long>(not_before.count()));
  X509_gmtime_adj(X509_getm_notAfter(x509.get()), static_cast<long>(not_after.count()));
  X509_set_pubkey(x509.get(), key.get());
  X509_NAME* name = X509_get_subject_name(x509.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1,
                             0);
  X509_set_issuer_name(x509.get(), name);
  EXPECT_GT(X509_sign(x509.get(), key.get(), EVP_sha256()), 0);
  TestCertificate made;
  made.cert_pem = WritePem([&](BIO* bio) { return PEM_write_bio_X509(bio, x509.get()); });
  made.key_pem = WritePem([&](BIO* bio) {
    return PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr,
                                    nullptr);
  });
  return made;
}

}  // namespace guru::testing
