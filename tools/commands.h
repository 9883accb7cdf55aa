// The wsnerf subcommands: one file each (tools/cmd_<name>.cpp), listed in main.cpp.
#pragma once

namespace ws::cli {

// Each takes the whole argv (argv[1] is the subcommand) and returns the exit status.
int cmd_version(int argc, char** argv);
int cmd_bench(int argc, char** argv);
int cmd_synth(int argc, char** argv);
int cmd_views(int argc, char** argv);
int cmd_archs(int argc, char** argv);
int cmd_preset(int argc, char** argv);
int cmd_graph(int argc, char** argv);
int cmd_train(int argc, char** argv);
int cmd_embed(int argc, char** argv);
int cmd_demo(int argc, char** argv);
// the downstream evaluations (docs/design.md §8)
int cmd_eval_classify(int argc, char** argv);
int cmd_eval_retrieve(int argc, char** argv);
int cmd_eval_probe(int argc, char** argv);
int cmd_plot(int argc, char** argv);
int cmd_query(int argc, char** argv);
int cmd_fit(int argc, char** argv);
int cmd_render(int argc, char** argv);
int cmd_import(int argc, char** argv);

}  // namespace ws::cli
