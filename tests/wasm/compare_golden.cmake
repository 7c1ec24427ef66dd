# Runs the golden trials natively and under node (WebAssembly) and fails unless
# both print exactly the same fingerprints.
execute_process(COMMAND ${NATIVE} OUTPUT_VARIABLE native RESULT_VARIABLE native_rc)
execute_process(COMMAND node ${WASM} OUTPUT_VARIABLE wasm RESULT_VARIABLE wasm_rc)
if(NOT native_rc EQUAL 0 OR NOT wasm_rc EQUAL 0)
  message(FATAL_ERROR "golden runs failed: native exit ${native_rc}, wasm exit ${wasm_rc}")
endif()
message("native:\n${native}")
message("wasm:\n${wasm}")
if(NOT native STREQUAL wasm)
  message(FATAL_ERROR "native and WebAssembly golden fingerprints differ")
endif()
message("native and WebAssembly agree bit for bit")
