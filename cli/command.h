// The CLI's seams: a command is a name, its own options and a run function;
// main.cpp holds the table and parses a command line against the options of
// the command it names (a flag the command does not take is a usage error).
// Nothing below main() exits: commands return the exit status
// (0 ok, 1 a reported failure, 2 a usage error).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "layerscope/session.h"

namespace lscli {

using namespace layerscope;

// One option of a command: its spellings ("-q", "--quiet"; the last one is the
// name it is looked up by), the name of its value (nullptr for a flag), help.
struct OptionSpec {
  std::vector<std::string> names;
  const char* value = nullptr;
  const char* help = "";
  const std::string& name() const { return names.back(); }
};

// A command line parsed against one command's options.
struct Args {
  std::string command;
  std::vector<std::string> archives;  // the command's leading ARCHIVE operands
  std::vector<std::string> pos;       // the operands after them
  std::map<std::string, std::vector<std::string>> opts;  // by OptionSpec::name(); a flag has ""
  std::map<std::string, size_t> operands_before;  // by OptionSpec::name(): operands (ARCHIVE included) before its last use
  bool has(const std::string& name) const { return opts.count(name) > 0; }
  // The last value given ("" when absent).
  std::string value(const std::string& name) const;
  std::vector<std::string> values(const std::string& name) const;
};

// What every command shares: the bounds and the progress switch of the common
// options, and opening an archive (as often as a command needs: one Session each).
struct Context {
  Limits limits;
  bool progress = false;
  Result<std::unique_ptr<Session>> open(const std::string& archive, bool verify = false) const;
  // For a command that prints only the summary (images, history): its layers
  // are read only as far as their sizes need (OpenOptions::layers).
  Result<std::unique_ptr<Session>> open_summary(const std::string& archive) const;
  // For a command that reads the layers of one image (ls, cat, log, export):
  // no layer is read yet (OpenOptions::layers kHeadersOnly); it then reads the
  // ones it needs (Session::index_layers).
  Result<std::unique_ptr<Session>> open_headers(const std::string& archive) const;
  // With --progress: a progress line on stderr ("phase NN.N%  MB/s"); else empty.
  ProgressFn progress_fn() const;
};

struct Command {
  const char* name;
  const char* synopsis;  // operands and options after the command name
  const char* summary;   // one line
  int archives = 1;      // leading ARCHIVE operands it needs
  std::vector<OptionSpec> options;
  int (*run)(const Context& ctx, const Args& args);
};

// The commands, one file each (cli/commands/).
const Command& inspect_command();
const Command& images_command();
const Command& history_command();
const Command& ls_command();
const Command& cat_command();
const Command& log_command();
const Command& diff_command();
const Command& findings_command();
const Command& ci_command();
const Command& verify_command();
const Command& save_command();
const Command& export_command();
const Command& squash_command();
const Command& rmi_command();
const Command& strip_command();
const Command& import_command();

}  // namespace lscli
