// A real server for a test, started and stopped by the test itself:
// autotest/remote/servers.py starts nginx (or s3rver) on 127.0.0.1 with a
// free port and a config of its own, prints one JSON line, and stops the
// server when it gets SIGTERM. The destructor sends it by process id.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rk::test {

class ServerProcess {
 public:
  // `args`: servers.py arguments, e.g. {"nginx", "--root", dir}. Null, with
  // *error set, if the server could not start.
  static std::unique_ptr<ServerProcess> start(const std::vector<std::string>& args,
                                              std::string* error) {
    int out[2];
    if (::pipe(out) != 0) {
      *error = "pipe failed";
      return nullptr;
    }
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::dup2(out[1], 1);
      ::close(out[0]);
      ::close(out[1]);
      std::vector<std::string> all{"/usr/bin/python3", RK_SERVERS_SCRIPT};
      all.insert(all.end(), args.begin(), args.end());
      std::vector<char*> argv;
      for (std::string& a : all) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    std::unique_ptr<ServerProcess> p(new ServerProcess());
    p->pid_ = pid;
    std::string line;
    char c;
    while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
    ::close(out[0]);
    try {
      p->info_ = nlohmann::json::parse(line);
    } catch (const std::exception&) {
      *error = "the server did not start (servers.py printed '" + line + "')";
      return nullptr;  // the destructor stops what did start
    }
    return p;
  }

  ~ServerProcess() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }

  std::string url() const { return info_.value("url", ""); }
  std::string tmpdir() const { return info_.value("tmpdir", ""); }
  std::string ca_file() const {
    return info_.contains("ca_file") && info_["ca_file"].is_string()
               ? info_["ca_file"].get<std::string>()
               : "";
  }

  // nginx: the access log records (one JSON object per request).
  std::vector<nlohmann::json> access_log() const {
    std::vector<nlohmann::json> out;
    std::ifstream in(tmpdir() + "/access.log");
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) out.push_back(nlohmann::json::parse(line));
    }
    return out;
  }

 private:
  ServerProcess() = default;
  pid_t pid_ = -1;
  nlohmann::json info_;
};

}  // namespace rk::test
