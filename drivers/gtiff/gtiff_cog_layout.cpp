#include <rasterkit/drivers/gtiff/gtiff_cog_layout.h>

#include <cstdlib>
#include <cstring>
#include <sstream>

namespace rk::gtiff {

namespace {

constexpr char kSizeKey[] = "GDAL_STRUCTURAL_METADATA_SIZE=";
constexpr size_t kFirstLine = 43;  // "GDAL_STRUCTURAL_METADATA_SIZE=XXXXXX bytes\n"
constexpr size_t kMaxArea = 65536;

}  // namespace

CogLayout read_cog_layout(const File& file) {
  CogLayout layout;
  char head[16 + kFirstLine];
  Result<size_t> n = file.read_at(0, head, sizeof head);
  if (!n.ok() || *n < 8) return layout;
  const bool little = head[0] == 'I' && head[1] == 'I';
  const bool big = head[0] == 'M' && head[1] == 'M';
  if (!little && !big) return layout;
  const auto byte = [&](int i) {
    return static_cast<unsigned>(static_cast<unsigned char>(head[i]));
  };
  const unsigned version = little ? (byte(2) | byte(3) << 8) : (byte(3) | byte(2) << 8);
  const size_t start = version == 43 ? 16 : 8;
  if (*n < start + kFirstLine) return layout;
  const char* line = head + start;
  if (std::strncmp(line, kSizeKey, sizeof kSizeKey - 1) != 0) return layout;
  const size_t size = std::strtoul(line + sizeof kSizeKey - 1, nullptr, 10);
  if (size == 0 || size > kMaxArea) return layout;
  std::string area(size, '\0');
  Result<size_t> got = file.read_at(start + kFirstLine, area.data(), size);
  if (!got.ok()) return layout;
  area.resize(*got);
  std::istringstream lines(area);
  std::string item;
  bool incompatible = false;
  while (std::getline(lines, item)) {
    while (!item.empty() && (item.back() == ' ' || item.back() == '\r')) item.pop_back();
    if (item == "MASK_INTERLEAVED_WITH_IMAGERY=YES") layout.mask_interleaved = true;
    if (item == "BLOCK_LEADER=SIZE_AS_UINT4") layout.block_leader = true;
    if (item == "BLOCK_TRAILER=LAST_4_BYTES_REPEATED") layout.block_trailer = true;
    if (item == "KNOWN_INCOMPATIBLE_EDITION=YES") incompatible = true;
  }
  if (incompatible) return CogLayout{};
  layout.declared = true;
  return layout;
}

}  // namespace rk::gtiff
