"""The classic Vosk recipe as a plain Python loop, for `npm run bench` (startup part).

What `pip install vosk pyaudio` scripts do, with the same library underneath:
libvosk (here the copy npm installed, through ctypes: Python's vosk package is a
thin cffi wrapper of it, and PyPI is unreachable here) fed 100 ms chunks from
parec (in place of PyAudio, which is not installed), a partial per chunk.
Usage: plain_vosk_loop.py LIBVOSK MODEL DEVICE SECONDS
"""
import ctypes
import subprocess
import sys
import time

lib_path, model_path, device, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
vosk = ctypes.CDLL(lib_path)
vosk.vosk_set_log_level(-1)
vosk.vosk_model_new.restype = ctypes.c_void_p
vosk.vosk_recognizer_new.restype = ctypes.c_void_p
vosk.vosk_recognizer_new.argtypes = [ctypes.c_void_p, ctypes.c_float]
vosk.vosk_recognizer_accept_waveform.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
for name in ("vosk_recognizer_result", "vosk_recognizer_partial_result", "vosk_recognizer_final_result"):
    getattr(vosk, name).restype = ctypes.c_char_p
    getattr(vosk, name).argtypes = [ctypes.c_void_p]

model = vosk.vosk_model_new(model_path.encode())
rec = vosk.vosk_recognizer_new(model, 16000.0)
parec = subprocess.Popen(
    ["parec", "-d", device, "--raw", "--format=s16le", "--rate=16000", "--channels=1", "--latency-msec=50"],
    stdout=subprocess.PIPE,
)
finals = 0
end = time.monotonic() + seconds
while time.monotonic() < end:
    data = parec.stdout.read(3200)
    if not data:
        break
    if vosk.vosk_recognizer_accept_waveform(rec, data, len(data)):
        if b'"text" : ""' not in vosk.vosk_recognizer_result(rec):
            finals += 1
    else:
        vosk.vosk_recognizer_partial_result(rec)
parec.kill()
parec.wait()
print(finals)
