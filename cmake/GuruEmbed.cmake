# guru_embed_text(OUTPUT_CC INPUT SYMBOL): a rule that writes OUTPUT_CC, a C++
# source defining std::string_view guru::SYMBOL() as the bytes of INPUT
# (relative to the project root), rewritten whenever INPUT changes, so that a
# data file ships inside the binary.
function(guru_embed_text output_cc input symbol)
  add_custom_command(
    OUTPUT ${output_cc}
    COMMAND ${CMAKE_COMMAND} -DINPUT=${PROJECT_SOURCE_DIR}/${input}
            -DOUTPUT=${output_cc} -DSYMBOL=${symbol}
            -P ${PROJECT_SOURCE_DIR}/cmake/EmbedText.cmake
    DEPENDS ${PROJECT_SOURCE_DIR}/${input} ${PROJECT_SOURCE_DIR}/cmake/EmbedText.cmake
    COMMENT "Embedding ${input}")
endfunction()
