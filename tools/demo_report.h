// report.md of `wsnerf demo`, written from the JSON files the pipeline leaves in its
// output folder (so a re-run that skips every stage still reports everything).
#pragma once
#include <string>
#include <vector>

namespace ws::cli {

// out: the demo folder (data/{dataset.json, splits/}, fit.json, timings.json,
// runs/<objective>/{log.jsonl, classification{,_raw}.json, retrieval{,_raw}.json, tsne.png,
// retrieval.png}). A file that is missing leaves its section out; one that is there but
// malformed, or lacks a field, is an error naming the file and the key.
std::string demo_report(const std::string& out, const std::string& preset, const std::vector<std::string>& objectives);

}  // namespace ws::cli
