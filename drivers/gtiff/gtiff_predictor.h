// Undoing TIFF horizontal differencing (Predictor=2) ourselves.
//
// libtiff undoes the predictor with an add to memory per sample, each one
// waiting for the store before it (store-to-load forwarding): about a fifth
// of the time of reading a DEFLATE UInt16 file went there. Read-only
// handles ask libtiff for the differenced samples instead, and this
// accumulates them in registers, one running sum per sample of a pixel.
#pragma once

#include <tiffio.h>

#include <cstddef>
#include <cstdint>

namespace rk::gtiff {

// Whether one libtiff handle leaves the predictor to us. libtiff sets its
// decoder up at the first decode of a directory, and re-reading a directory
// restores the tag, so the question is asked again before every decode.
class PredictorTakeover {
 public:
  // Call before decoding a strip or tile of the handle's current directory.
  // On a read-only handle whose directory uses horizontal differencing of
  // 8-, 16-, 32- or 64-bit samples, turns libtiff's predictor off (decoding
  // then leaves the differences, in host byte order) and returns true: the
  // caller must undo_horizontal_differencing() what it decodes. False when
  // libtiff undoes the predictor itself or there is none.
  bool before_decode(TIFF* tiff);

 private:
  uint64_t directory_ = UINT64_MAX;  // offset of the directory taken over
};

// Rebuilds samples from their horizontal differences in `bytes` decoded
// bytes: rows of `row_bytes`, each `samples_per_row` samples of
// `bits_per_sample` bits with `stride` samples per pixel (1 for planar
// images). A trailing partial row is rebuilt as far as it goes.
void undo_horizontal_differencing(std::byte* data, size_t bytes, size_t row_bytes,
                                  uint32_t bits_per_sample, uint32_t stride);

}  // namespace rk::gtiff
