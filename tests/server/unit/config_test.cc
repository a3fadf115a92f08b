// guru-server's configuration sources: a flag beats its GURU_* variable,
// which beats the config file, which beats the default; a name that is no
// option, in the file or the environment, is an error naming the nearest.
#include "server/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace guru {
namespace {

using ::guru::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// Sets an environment variable for the lifetime of the object.
class ScopedVariable {
 public:
  ScopedVariable(const char* name, const char* value) : name_(name) {
    setenv(name, value, 1);
  }
  ~ScopedVariable() { unsetenv(name_); }
  ScopedVariable(const ScopedVariable&) = delete;
  ScopedVariable& operator=(const ScopedVariable&) = delete;

 private:
  const char* name_;
};

// Parses `args` (the arguments after the program's name) as guru-server does.
ServerConfig Parse(const std::vector<std::string>& args) {
  CLI::App app;
  ServerConfig config;
  AddServerFlags(app, config);
  std::vector<const char*> argv = {"guru-server"};
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  ParseServerConfig(app, static_cast<int>(argv.size()), argv.data());
  return config;
}

// The message of the error that parsing `args` throws; "" when none.
std::string ParseFailure(const std::vector<std::string>& args) {
  try {
    Parse(args);
  } catch (const CLI::ParseError& e) {
    return e.what();
  }
  return "";
}

TEST(ConfigTest, FlagBeatsVariableBeatsFileBeatsDefault) {
  TempDir dir;
  const std::string file =
      dir.WriteFile("guru.toml", "db = \"/from/file\"\nrefresh-ms = 500\nworkers = 3\n");
  const ScopedVariable refresh("GURU_REFRESH_MS", "700");

  const ServerConfig from_variable = Parse({"--config", file});
  EXPECT_EQ(from_variable.refresh_ms, 700);    // The variable beats the file.
  EXPECT_EQ(from_variable.server.workers, 3);  // The file beats the default.
  EXPECT_EQ(from_variable.server.db_path, "/from/file");
  EXPECT_EQ(from_variable.shutdown_grace_ms, 5000);  // The default.

  const ServerConfig from_flag = Parse({"--config", file, "--refresh-ms", "900"});
  EXPECT_EQ(from_flag.refresh_ms, 900);
}

TEST(ConfigTest, AnEmptyValueIsAnErrorNeverTheDefault) {
  // For auth-token-file the default is no auth: an empty value (an unset
  // variable in a unit file, `key =` in the file) must not switch it off.
  TempDir dir;
  const std::string file = dir.WriteFile("guru.toml", "auth-token-file = \"\"\n");
  {
    const ScopedVariable token("GURU_AUTH_TOKEN_FILE", "/etc/guru/token");
    EXPECT_THAT(ParseFailure({"--db", "/x", "--config", file}),
                HasSubstr("key 'auth-token-file' has an empty value"));
    EXPECT_THAT(ParseFailure({"--db", "/x", "--auth-token-file", ""}),
                HasSubstr("--auth-token-file: given an empty value"));
  }
  EXPECT_THAT(ParseFailure({"--db", "/x", "--config", file}),
              HasSubstr("key 'auth-token-file' has an empty value"));
  EXPECT_THAT(ParseFailure({"--db", "/x", "--config",
                            dir.WriteFile("bare.toml", "auth-token-file =\n")}),
              Not(IsEmpty()));
  // A list, or nothing, where one value is expected (this crashed).
  EXPECT_THAT(ParseFailure({"--db", "/x", "--config",
                            dir.WriteFile("none.toml", "auth-token-file = []\n")}),
              HasSubstr("takes one value; got 0"));
  EXPECT_THAT(ParseFailure(
                  {"--db", "/x", "--config",
                   dir.WriteFile("list.toml", "auth-token-file = [\"/etc/t\", \"\"]\n")}),
              HasSubstr("takes one value; got 2"));
  // Leaving the option out is how to ask for the default.
  EXPECT_EQ(Parse({"--db", "/x"}).server.auth_token_file, "");
}

TEST(ConfigTest, AKeyTwiceOrASecurityFlagTwiceIsAnError) {
  TempDir dir;
  EXPECT_THAT(ParseFailure({"--db", "/x", "--config",
                            dir.WriteFile("twice.toml",
                                          "auth-token-file = \"/etc/t\"\n"
                                          "auth-token-file = \"/etc/u\"\n")}),
              HasSubstr("key 'auth-token-file' takes one value; got 2"));
  EXPECT_THAT(
      ParseFailure({"--db", "/x", "--config",
                    dir.WriteFile("sections.toml",
                                  "[default]\nworkers = 2\n[default]\nworkers = 3\n")}),
      Not(IsEmpty()));
  EXPECT_THAT(ParseFailure({"--db", "/x", "--auth-token-file", "/etc/t",
                            "--auth-token-file", "/etc/u"}),
              HasSubstr("--auth-token-file: given more than once"));
  // Other flags: the last one wins, as before.
  EXPECT_EQ(Parse({"--db", "/x", "--workers", "2", "--workers", "3"}).server.workers, 3);
}

TEST(ConfigTest, FileSetsFlagsAndItsValuesAreChecked) {
  TempDir dir;
  EXPECT_TRUE(Parse({"--db", "/x", "--config",
                     dir.WriteFile("flag.toml", "log-queries = true\n")})
                  .server.log_queries);
  const std::string bad = dir.WriteFile("bad.toml", "refresh-ms = 5\n");
  const std::string failure = ParseFailure({"--db", "/x", "--config", bad});
  EXPECT_THAT(failure, HasSubstr(bad));
  EXPECT_THAT(failure, HasSubstr("--refresh-ms"));
}

TEST(ConfigTest, UnknownKeyInTheFileIsAnErrorNamingTheNearestKey) {
  struct Case {
    std::string line;
    std::string names;
    std::string nearest;
  };
  const std::vector<Case> cases = {
      {"auth-token-fil = /etc/token", "'auth-token-fil'", "auth-token-file"},
      {"auth_token_file = /etc/token", "'auth_token_file'", "auth-token-file"},
      {"refresh_ms = 500", "'refresh_ms'", "refresh-ms"},
      {"[server]\nlisten = \"127.0.0.1:1\"", "'server.listen'", "listen"},
      {"help = true", "'help'", ""},  // Not an option a file may set.
  };
  TempDir dir;
  for (const Case& c : cases) {
    const std::string file = dir.WriteFile("guru.toml", c.line + "\n");
    const std::string failure = ParseFailure({"--db", "/x", "--config", file});
    EXPECT_THAT(failure, HasSubstr("unknown key " + c.names)) << c.line;
    if (c.nearest.empty()) continue;
    EXPECT_THAT(failure, HasSubstr("did you mean " + c.nearest + "?")) << c.line;
  }
}

TEST(ConfigTest, UnknownGuruVariableIsAnErrorNamingTheNearest) {
  {
    const ScopedVariable typo("GURU_AUTH_TOKEN_FIL", "/etc/token");
    const std::string failure = ParseFailure({"--db", "/x"});
    EXPECT_THAT(failure, HasSubstr("GURU_AUTH_TOKEN_FIL "));
    EXPECT_THAT(failure, HasSubstr("did you mean GURU_AUTH_TOKEN_FILE?"));
  }
  // The variables of the project's other programs are theirs, not typos.
  const ScopedVariable chatbot("GURU_SERVER", "127.0.0.1:50051");
  const ScopedVariable config("GURU_CONFIG", "");
  EXPECT_EQ(ParseFailure({"--db", "/x"}), "");
}

TEST(ConfigTest, AnEmptyGuruVariableCountsAsUnset) {
  TempDir dir;
  const std::string file =
      dir.WriteFile("guru.toml", "refresh-ms = 500\nauth-token-file = /etc/token\n");
  const ServerConfig defaults = Parse({"--db", "/x"});
  const ScopedVariable refresh("GURU_REFRESH_MS", "");
  const ScopedVariable listen("GURU_LISTEN", "");
  const ScopedVariable token("GURU_AUTH_TOKEN_FILE", "");
  const ScopedVariable workers("GURU_WORKERS", "");
  // Neither an error ("" is no number) nor a value: the file's or the default.
  const ServerConfig with_file = Parse({"--db", "/x", "--config", file});
  EXPECT_EQ(with_file.refresh_ms, 500);
  EXPECT_EQ(with_file.server.auth_token_file, "/etc/token");
  EXPECT_EQ(with_file.server.listen, "127.0.0.1:50051");
  EXPECT_EQ(with_file.server.workers, defaults.server.workers);
  const ServerConfig without_file = Parse({"--db", "/x"});
  EXPECT_EQ(without_file.refresh_ms, defaults.refresh_ms);
  EXPECT_EQ(without_file.server.auth_token_file, "");
  // An empty GURU_DB does not stand for --db.
  const ScopedVariable db("GURU_DB", "");
  EXPECT_THAT(ParseFailure({}), HasSubstr("--db is required"));
}

TEST(ConfigTest, DbIsRequiredFromAnySource) {
  TempDir dir;
  EXPECT_THAT(ParseFailure({}), HasSubstr("--db is required"));
  const std::string file = dir.WriteFile("guru.toml", "db = /from/file\n");
  EXPECT_EQ(Parse({"--config", file}).server.db_path, "/from/file");
  const ScopedVariable db("GURU_DB", "/from/variable");
  EXPECT_EQ(Parse({}).server.db_path, "/from/variable");
}

TEST(ConfigTest, MissingConfigFileIsAnError) {
  EXPECT_THAT(ParseFailure({"--db", "/x", "--config", "/nonexistent/guru.toml"}),
              HasSubstr("/nonexistent/guru.toml"));
}

TEST(ConfigTest, ShardProcessesNeedXapianProgsrv) {
  EXPECT_EQ(Parse({"--db", "/x"}).server.shard_processes, 0);
  EXPECT_THAT(ParseFailure({"--db", "/x", "--shard-processes", "-1"}),
              HasSubstr("--shard-processes"));
  TempDir dir;
  const ServerConfig config = Parse({"--db", "/x", "--shard-processes", "2"});
  EXPECT_EQ(config.server.shard_processes, 2);
  const std::string saved_path =
      std::getenv("PATH") != nullptr ? std::getenv("PATH") : "";
  setenv("PATH", dir.Sub("nowhere").c_str(), 1);
  absl::StatusOr<ServerOptions> options = ResolveServerOptions(config);
  setenv("PATH", saved_path.c_str(), 1);
  EXPECT_EQ(options.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(options.status().message(),
              HasSubstr("--shard-processes: xapian-progsrv is not on PATH"));
}

}  // namespace
}  // namespace guru
