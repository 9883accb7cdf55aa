// report.md of `wsnerf demo`, written from the JSON files the pipeline leaves in its
// output folder (so a re-run that skips every stage still reports everything).
#pragma once
#include <string>
#include <vector>

namespace ws::cli {

// out: the demo folder (fit.json, timings.json, runs/<objective>/{log.jsonl,
// classification.json, retrieval.json, tsne.png, retrieval.png}).
std::string demo_report(const std::string& out, const std::string& preset, const std::vector<std::string>& objectives);

}  // namespace ws::cli
