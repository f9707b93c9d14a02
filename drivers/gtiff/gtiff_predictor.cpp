#include <rasterkit/drivers/gtiff/gtiff_predictor.h>

#include <fcntl.h>

#include <cstring>

namespace rk::gtiff {

namespace {

// One running sum per sample of a pixel, kept in registers.
template <typename T, uint32_t kStride>
void accumulate(std::byte* row, size_t count) {
  if (count < kStride) return;
  T acc[kStride];
  std::memcpy(acc, row, sizeof acc);
  size_t i = kStride;
  for (; i + kStride <= count; i += kStride) {
    std::byte* p = row + i * sizeof(T);
    T d[kStride];
    std::memcpy(d, p, sizeof d);
    for (uint32_t k = 0; k < kStride; ++k) acc[k] = static_cast<T>(acc[k] + d[k]);
    std::memcpy(p, acc, sizeof acc);
  }
  for (uint32_t k = 0; i < count; ++i, ++k) {  // a partial last pixel
    T d;
    std::memcpy(&d, row + i * sizeof(T), sizeof d);
    acc[k] = static_cast<T>(acc[k] + d);
    std::memcpy(row + i * sizeof(T), &acc[k], sizeof d);
  }
}

// Any other stride: each sample adds the one a pixel before it.
template <typename T>
void accumulate_any(std::byte* row, size_t count, uint32_t stride) {
  for (size_t i = stride; i < count; ++i) {
    T prev, cur;
    std::memcpy(&prev, row + (i - stride) * sizeof(T), sizeof prev);
    std::memcpy(&cur, row + i * sizeof(T), sizeof cur);
    cur = static_cast<T>(cur + prev);
    std::memcpy(row + i * sizeof(T), &cur, sizeof cur);
  }
}

template <typename T>
void accumulate_rows(std::byte* data, size_t bytes, size_t row_bytes, uint32_t stride) {
  for (size_t off = 0; off < bytes; off += row_bytes) {
    const size_t count = (bytes - off < row_bytes ? bytes - off : row_bytes) / sizeof(T);
    std::byte* row = data + off;
    switch (stride) {
      case 1:
        accumulate<T, 1>(row, count);
        break;
      case 2:
        accumulate<T, 2>(row, count);
        break;
      case 3:
        accumulate<T, 3>(row, count);
        break;
      case 4:
        accumulate<T, 4>(row, count);
        break;
      default:
        accumulate_any<T>(row, count, stride);
        break;
    }
  }
}

}  // namespace

bool PredictorTakeover::before_decode(TIFF* tiff) {
  uint16_t predictor = PREDICTOR_NONE;
  // Only codecs that support a predictor know the tag.
  if (!TIFFGetField(tiff, TIFFTAG_PREDICTOR, &predictor)) return false;
  const uint64_t directory = TIFFCurrentDirOffset(tiff);
  if (predictor == PREDICTOR_NONE) return directory_ == directory;
  if (predictor != PREDICTOR_HORIZONTAL) return false;
  if (TIFFGetMode(tiff) != O_RDONLY) return false;  // a writer must keep differencing
  uint16_t bps = 0;
  TIFFGetFieldDefaulted(tiff, TIFFTAG_BITSPERSAMPLE, &bps);
  if (bps != 8 && bps != 16 && bps != 32 && bps != 64) return false;
  if (!TIFFSetField(tiff, TIFFTAG_PREDICTOR, PREDICTOR_NONE)) return false;
  directory_ = directory;
  return true;
}

void undo_horizontal_differencing(std::byte* data, size_t bytes, size_t row_bytes,
                                  uint32_t bits_per_sample, uint32_t stride) {
  if (row_bytes == 0 || stride == 0) return;
  switch (bits_per_sample) {
    case 8:
      accumulate_rows<uint8_t>(data, bytes, row_bytes, stride);
      break;
    case 16:
      accumulate_rows<uint16_t>(data, bytes, row_bytes, stride);
      break;
    case 32:
      accumulate_rows<uint32_t>(data, bytes, row_bytes, stride);
      break;
    case 64:
      accumulate_rows<uint64_t>(data, bytes, row_bytes, stride);
      break;
    default:
      break;
  }
}

}  // namespace rk::gtiff
