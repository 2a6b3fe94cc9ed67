#pragma once

#include <map>
#include <string>

namespace abc {

// The settings a vector set's fingerprint records, read back as fields so a front end can say
// which settings a library's vectors were made with. The fingerprint is built by
// Embedder::load ("abc-qwen2vl|base=..|pretrain=..|precision=..|positions=.."), the photo
// decoder (";image:pixels=MIN..MAX,exif-orientation=on") and ModelPhotoEmbedder
// ("|instruct=.." for instructed vectors); test_vector_set_fields checks the round trip
// through the real builders.
//
// Fields: "model" (abc-qwen2vl), "base", "pretrain", "precision", "positions", and any other
// key=value of the model part; "image_tokens" (MAX pixels / 28²), "min_image_tokens",
// "exif-orientation" and the rest of the decoder part; "instruct" for an instructed set.
std::map<std::string, std::string> vectorSetFields(const std::string& fingerprint);

}  // namespace abc
